import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The account a child process of the private cluster runs as.
///
/// PostgreSQL refuses to run as root (`"root" execution of the PostgreSQL server is not permitted`), so
/// when the portal is root its children drop to an unprivileged user through util-linux `setpriv`.
struct ChildAccount: Sendable {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// `nil` when not root (children run as we do); otherwise the first of `preferred`, `postgres`,
    /// `nobody` that exists.
    static func forCurrentProcess(preferred: String?) throws -> ChildAccount? {
        guard geteuid() == 0 else { return nil }
        for name in [preferred, "postgres", "nobody"].compactMap({ $0 }) {
            if let entry = getpwnam(name) {
                return ChildAccount(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
            }
        }
        throw DatabaseError(code: .embeddedCluster, context: "running as root and no unprivileged user exists")
    }

    /// `setpriv` arguments that run a program as this account.
    var commandPrefix: [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"]
    }

    /// Hands a file or folder we created to this account.
    func own(_ url: URL) throws {
        guard chown(url.path, uid, gid) == 0 else {
            throw DatabaseError(code: .embeddedCluster, context: "cannot chown \(url.lastPathComponent)")
        }
    }
}

/// A child process of the private cluster, launched through `Foundation.Process`.
///
/// Foundation gives the child its own process group, so a Ctrl-C at the terminal reaches the portal only,
/// which then stops PostgreSQL in order after its own requests have drained.
final class ChildProcess: Sendable {
    /// The exit status, filled in by Foundation's termination handler, and who waits for it.
    private final class ExitRecord: Sendable {
        struct State {
            var status: Int32?
            var waiters: [UInt64: CheckedContinuation<Int32?, Never>] = [:]
            var nextID: UInt64 = 0
        }
        let state = Mutex(State())

        func record(_ status: Int32) {
            let waiters = state.withLock { state -> [CheckedContinuation<Int32?, Never>] in
                state.status = status
                defer { state.waiters.removeAll() }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
    }

    /// The process ID.
    let pid: pid_t
    private let exit: ExitRecord

    private init(pid: pid_t, exit: ExitRecord) {
        self.pid = pid
        self.exit = exit
    }

    /// Starts `arguments[0]` with the rest as arguments, as `account` when given, output to `log`.
    static func launch(
        _ arguments: [String], as account: ChildAccount?, workingDirectory: URL, log: URL
    ) throws -> ChildProcess {
        let command = (account?.commandPrefix ?? []) + arguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = workingDirectory
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"]
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        guard let output = FileHandle(forWritingAtPath: log.path) else {
            throw DatabaseError(code: .embeddedCluster, context: "cannot write \(log.lastPathComponent)")
        }
        output.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let exit = ExitRecord()
        process.terminationHandler = { finished in exit.record(finished.terminationStatus) }
        do {
            try process.run()
        } catch {
            let name = URL(fileURLWithPath: command[0]).lastPathComponent
            throw DatabaseError(code: .embeddedCluster, context: "cannot launch \(name)")
        }
        try? output.close()
        return ChildProcess(pid: process.processIdentifier, exit: exit)
    }

    /// Runs a command to completion.
    /// - Returns: Its exit status.
    static func run(_ arguments: [String], as account: ChildAccount?, workingDirectory: URL, log: URL) async throws
        -> Int32
    {
        let child = try launch(arguments, as: account, workingDirectory: workingDirectory, log: log)
        guard let status = await child.exitStatus() else {
            child.send(SIGTERM)
            throw CancellationError()
        }
        return status
    }

    /// The exit status, once the process has exited.
    var hasExited: Bool { exit.state.withLock { $0.status != nil } }

    /// Waits for the process to exit; `nil` if the task is cancelled first.
    func exitStatus() async -> Int32? {
        let id = exit.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let status = exit.state.withLock { state -> Int32?? in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let status { continuation.resume(returning: status) }
            }
        } onCancel: {
            let waiter = exit.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for the exit at most `timeout`; `true` if the process exited.
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !hasExited {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Sends `signal` to the process if it is still running.
    func send(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }
}
