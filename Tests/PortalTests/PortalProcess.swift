import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `portal serve` (or other `portal` command) child process, started the way an operator starts it, for
/// end-to-end tests.
final class PortalProcess: @unchecked Sendable {
    // Mutated only by the reader thread under `lock`.
    private let lock = NSLock()
    private var logText = ""
    let process = Process()
    private let errorPipe = Pipe()

    /// The built `portal` executable, beside the test bundle in `.build/<configuration>/`.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !folder.path.hasSuffix("debug") && !folder.path.hasSuffix("release") && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("portal")
    }

    /// Starts `portal <command> <arguments>` with the test's environment minus its `PORTAL_*` variables.
    init(command: [String] = ["serve"], arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.executable
        process.arguments = command + arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PORTAL_") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.logText += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    /// Everything the portal logged so far.
    var log: String {
        lock.lock()
        defer { lock.unlock() }
        return logText
    }

    /// Waits for the "portal listening" line and returns the port it names.
    func waitForPort(timeout: Duration = .seconds(120)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = log.range(of: #"url=https?://[^ ]+:(\d+)"#, options: .regularExpression) {
                let url = log[range]
                if let port = url.split(separator: ":").last.flatMap({ Int($0) }) { return port }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("portal did not start listening; log:\n\(log)")
        throw CancellationError()
    }

    /// The process ID.
    var pid: Int32 { process.processIdentifier }

    /// Waits for the process to end by itself; its exit status, or nil if it still runs after `timeout`.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits until the log holds `text` (its last lines may still be in the pipe when the process ends).
    func waitForLog(containing text: String, timeout: Duration = .seconds(10)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !log.contains(text) {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(60)) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("portal did not stop within \(timeout); log:\n\(log)")
        }
        process.waitUntilExit()
        errorPipe.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }
}

/// A response as a test looks at it.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
}

/// Sends one request with URLSession (a client we did not write).
/// - Parameter timeout: Longest wait for the answer (URLSession's default is 60 s).
func send(
    _ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil,
    timeout: Duration = .seconds(60)
) async throws -> HTTPReply {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = Double(timeout.components.seconds)
    request.httpMethod = method
    request.httpBody = body
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (key, value) in http.allHeaderFields {
        if let key = key as? String, let value = value as? String { fields[key] = value }
    }
    return HTTPReply(status: http.statusCode, headers: fields, body: data)
}
