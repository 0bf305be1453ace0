public import Foundation

/// A child process run to completion for a test: an independent tool (dciodvfy, dcmdump, openssl,
/// python checkers, schemathesis) or the `portal` binary itself.
///
/// Output goes to temporary files, not pipes, so a child that writes a lot to both streams never blocks
/// on a full pipe. `run` waits without holding a thread of Swift's shared pool (two threads on a
/// two-core machine): a test that waited there for minutes would starve every other test of the run,
/// and timing-sensitive ones (a request must be answered within 5 s) would fail for it.
public struct ToolRun: Sendable {
    /// The exit status (or the signal's number when `wasSignalled`).
    public var status: Int32
    /// Whether a signal ended the process.
    public var wasSignalled: Bool
    /// What it wrote to standard output (and standard error too when merged).
    public var output: String
    /// What it wrote to standard error; empty when merged into `output`.
    public var errors: String

    /// Runs `executable` to completion.
    /// - Parameters:
    ///   - executable: An absolute path, or a name looked up on the PATH (through `/usr/bin/env`).
    ///   - arguments: Its arguments.
    ///   - folder: Its working folder; the test process's when `nil`.
    ///   - input: Bytes for its standard input, which is then closed; none (`/dev/null`) when `nil`.
    ///   - mergingErrors: Whether standard error goes to `output` as well, interleaved as written.
    ///   - environment: Variables added to the test process's environment.
    public static func run(
        _ executable: String, _ arguments: [String] = [], in folder: URL? = nil, input: Data? = nil,
        mergingErrors: Bool = false, environment: [String: String] = [:]
    ) async throws -> ToolRun {
        let prepared = try Prepared(executable, arguments, folder, input, mergingErrors, environment)
        defer { prepared.cleanUp() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            prepared.process.terminationHandler = { _ in continuation.resume() }
            do {
                try prepared.start()
            } catch {
                prepared.process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return try prepared.result()
    }

    /// `run` for code that cannot wait asynchronously (a static property, say). Blocks its thread: use it
    /// only for tools that end at once (`command -v`, a version query).
    public static func runBlocking(
        _ executable: String, _ arguments: [String] = [], in folder: URL? = nil, input: Data? = nil,
        mergingErrors: Bool = false, environment: [String: String] = [:]
    ) throws -> ToolRun {
        let prepared = try Prepared(executable, arguments, folder, input, mergingErrors, environment)
        defer { prepared.cleanUp() }
        try prepared.start()
        prepared.process.waitUntilExit()
        return try prepared.result()
    }

    /// Whether an executable is on the PATH.
    public static func hasTool(_ name: String) -> Bool {
        (try? runBlocking("/bin/sh", ["-c", "command -v \(name)"]).status) == 0
    }

    /// A process set up with its output files.
    private final class Prepared: @unchecked Sendable {  // used by one test at a time, then dropped
        let process = Process()
        let folder: URL
        let outputURL: URL
        let errorsURL: URL
        let input: Data?
        let mergingErrors: Bool
        private var handles: [FileHandle] = []
        private var inputPipe: Pipe?

        init(
            _ executable: String, _ arguments: [String], _ workingFolder: URL?, _ input: Data?, _ mergingErrors: Bool,
            _ environment: [String: String]
        ) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("tool-run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            outputURL = folder.appendingPathComponent("stdout")
            errorsURL = folder.appendingPathComponent("stderr")
            self.input = input
            self.mergingErrors = mergingErrors
            if executable.hasPrefix("/") {
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
            } else {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = [executable] + arguments
            }
            if let workingFolder { process.currentDirectoryURL = workingFolder }
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
        }

        func start() throws {
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
            let output = try FileHandle(forWritingTo: outputURL)
            handles.append(output)
            process.standardOutput = output
            if mergingErrors {
                process.standardError = output
            } else {
                let errors = try FileHandle(forWritingTo: errorsURL)
                handles.append(errors)
                process.standardError = errors
            }
            if input != nil {
                let pipe = Pipe()
                inputPipe = pipe
                process.standardInput = pipe
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            try process.run()
            if let input, let inputPipe {
                // A child that exits without reading its input must not kill the test with SIGPIPE.
                signal(SIGPIPE, SIG_IGN)
                try? inputPipe.fileHandleForWriting.write(contentsOf: input)
                try? inputPipe.fileHandleForWriting.close()
            }
        }

        func result() throws -> ToolRun {
            for handle in handles { try? handle.close() }
            handles = []
            let text = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
            return ToolRun(
                status: process.terminationStatus, wasSignalled: process.terminationReason == .uncaughtSignal,
                output: text(outputURL), errors: mergingErrors ? "" : text(errorsURL))
        }

        func cleanUp() {
            for handle in handles { try? handle.close() }
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
