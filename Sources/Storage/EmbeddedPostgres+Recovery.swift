import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddedPostgres {
    /// Clears what a crashed portal or a crashed PostgreSQL left behind before a new start.
    ///
    /// `postmaster.pid`'s first line is the postmaster's PID (PostgreSQL §19.3). If that process still runs
    /// with our data folder as its working directory, it is an orphan: its portal died (the data folder
    /// lock, held by our caller, rules out another live portal), or it is our own and we lost track of
    /// it. It gets a fast shutdown and we wait for it. Otherwise the file is stale (the PID may even
    /// belong to an unrelated process by now, which would make PostgreSQL refuse to start): the server
    /// processes the dead postmaster left are stopped, and the file is removed with the socket lock files.
    func recoverFromCrash() async throws {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return }
        if let firstLine = text.split(separator: "\n").first,
            let pid = pid_t(firstLine.trimmingCharacters(in: .whitespaces)), pid > 0, isServerProcess(pid)
        {
            logger.debug("stopping an orphaned private PostgreSQL", metadata: ["db.pid": "\(pid)"])
            kill(pid, SIGINT)
            let deadline = ContinuousClock.now + configuration.stopTimeout
            while isServerProcess(pid) {
                if ContinuousClock.now >= deadline {
                    kill(pid, SIGQUIT)
                    throw DatabaseError(code: .embeddedCluster, context: "an orphaned PostgreSQL (pid \(pid)) did not stop")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return
        }
        try await stopLeftoverServerProcesses()
        logger.debug("removing a stale postmaster.pid")
        try? FileManager.default.removeItem(at: pidFile)
        let socketFiles = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory.path)) ?? []
        for name in socketFiles where name.hasPrefix(".s.PGSQL.") {
            try? FileManager.default.removeItem(at: socketDirectory.appendingPathComponent(name))
        }
    }

    /// Stops the backends and auxiliary processes of a postmaster that was killed.
    ///
    /// A postmaster killed with SIGKILL cannot tell its children to quit, and PostgreSQL refuses to start
    /// while they still hold the old shared memory ("pre-existing shared memory block is still in use").
    /// Idle children notice the postmaster's death and exit on their own within moments; one running a
    /// long query may not. As the postmaster itself does after a child crashes, they get SIGQUIT (quit at
    /// once, no cleanup: crash recovery redoes the work), then SIGKILL after `leftoverExitTimeout`.
    func stopLeftoverServerProcesses() async throws {
        var leftovers = leftoverServerProcesses()
        guard !leftovers.isEmpty else { return }
        logger.debug("stopping processes of a dead PostgreSQL", metadata: ["db.pids": "\(leftovers)"])
        for pid in leftovers { kill(pid, SIGQUIT) }
        var deadline = ContinuousClock.now + configuration.leftoverExitTimeout
        var hasEscalated = false
        while !leftovers.isEmpty {
            if ContinuousClock.now >= deadline {
                guard !hasEscalated else {
                    throw DatabaseError(
                        code: .embeddedCluster, context: "processes \(leftovers) of a dead PostgreSQL did not exit")
                }
                for pid in leftovers { kill(pid, SIGKILL) }
                hasEscalated = true
                deadline = ContinuousClock.now + configuration.leftoverExitTimeout
            }
            try? await Task.sleep(for: .milliseconds(20))
            leftovers = leftovers.filter(isServerProcess)
        }
    }

    /// The live PostgreSQL processes working in our data folder.
    private func leftoverServerProcesses() -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter(isServerProcess)
    }

    /// Whether `pid` is a live PostgreSQL process (postmaster, backend or auxiliary) whose working
    /// directory is our data folder: postgres chdirs there, and its children inherit it.
    private func isServerProcess(_ pid: pid_t) -> Bool {
        guard pid > 0, pid != getpid(), kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] != "Z"
        else { return false }
        // The kernel's name of the program (set at exec; PostgreSQL's process titles change argv only).
        guard stat.hasPrefix("\(pid) (postgres)") else { return false }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else {
            return false
        }
        return cwd == dataDirectory.resolvingSymlinksInPath().path
    }
}
