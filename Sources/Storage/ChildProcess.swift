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
///
/// Foundation learns that a child exited only when every process holding the child's end of a socket pair
/// has closed it, and PostgreSQL's backends, forked from the postmaster, inherit it: a killed postmaster
/// whose backends live on (one busy with a long query) would go unnoticed for as long as they do. So the
/// exit is also looked for with `waitid(WNOWAIT)`, which sees a dead child without reaping it (Foundation
/// still reaps it, and records its status, when the last backend has gone).
final class ChildProcess: Sendable {
    /// The process ID.
    let pid: pid_t
    /// The exit status, filled in by Foundation's termination handler.
    private final class StatusRecord: Sendable {
        let status = Mutex<Int32?>(nil)
    }

    private let record: StatusRecord

    private init(pid: pid_t, record: StatusRecord) {
        self.pid = pid
        self.record = record
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
        let record = StatusRecord()
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            record.status.withLock { $0 = status }
        }
        do {
            try process.run()
        } catch {
            let name = URL(fileURLWithPath: command[0]).lastPathComponent
            throw DatabaseError(code: .embeddedCluster, context: "cannot launch \(name)")
        }
        try? output.close()
        return ChildProcess(pid: process.processIdentifier, record: record)
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

    /// The exit status (the signal number if a signal ended it) once the process has exited; `nil` while
    /// it runs.
    var exitStatusIfExited: Int32? {
        if let status = record.status.withLock({ $0 }) { return status }
        var info = siginfo_t()
        // ECHILD when Foundation has just reaped it: its handler records the status in a moment.
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
            info._sifields._sigchld.si_pid == pid
        else { return nil }
        return info._sifields._sigchld.si_status
    }

    /// Whether the process has exited.
    var hasExited: Bool { exitStatusIfExited != nil }

    /// Waits for the process to exit, looking every `interval`; `nil` if the task is cancelled first.
    func exitStatus(checkingEvery interval: Duration = .milliseconds(20)) async -> Int32? {
        while true {
            if let status = exitStatusIfExited { return status }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return nil
            }
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
