import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddedPostgres {
    /// Clears what a crashed portal left behind before a new start.
    ///
    /// `postmaster.pid`'s first line is the postmaster's PID (PostgreSQL §19.3). If that process still runs
    /// with our data folder as its working directory, it is our orphan: it gets a fast shutdown and we wait
    /// for it. Otherwise the file is stale (the PID may even belong to an unrelated process by now, which
    /// would make PostgreSQL refuse to start), so it is removed, with the socket lock files.
    func recoverFromCrash() async throws {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return }
        if let firstLine = text.split(separator: "\n").first, let pid = pid_t(firstLine.trimmingCharacters(in: .whitespaces)),
            pid > 0, isPostmaster(pid)
        {
            logger.debug("stopping an orphaned private PostgreSQL", metadata: ["db.pid": "\(pid)"])
            kill(pid, SIGINT)
            let deadline = ContinuousClock.now + configuration.stopTimeout
            while isPostmaster(pid) {
                if ContinuousClock.now >= deadline {
                    kill(pid, SIGQUIT)
                    throw DatabaseError(code: .embeddedCluster, context: "an orphaned PostgreSQL (pid \(pid)) did not stop")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return
        }
        logger.debug("removing a stale postmaster.pid")
        try? FileManager.default.removeItem(at: pidFile)
        let socketFiles = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory.path)) ?? []
        for name in socketFiles where name.hasPrefix(".s.PGSQL.") {
            try? FileManager.default.removeItem(at: socketDirectory.appendingPathComponent(name))
        }
    }

    /// Whether `pid` is a live process whose working directory is our data folder (postgres chdirs there).
    private func isPostmaster(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
        {
            return false
        }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else {
            return false
        }
        return cwd == dataDirectory.resolvingSymlinksInPath().path
    }
}
