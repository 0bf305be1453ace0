import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddedPostgres {
    /// What `start()` finds in the data folder.
    enum Occupancy {
        /// No server runs on it: start one.
        case free
        /// A server started by another live process (a running `portal serve`) runs on it: use it as is.
        case inUse(pid_t)
    }

    /// Clears what a crashed portal left behind before a new start.
    ///
    /// `postmaster.pid`'s first line is the postmaster's PID (PostgreSQL §19.3). If that process still runs
    /// with our data folder as its working directory, it is either an orphan (its parent portal died, so
    /// it was re-parented, or its parent is this very process, which lost track of it): it gets a fast
    /// shutdown and we wait for it; or it belongs to another live portal process, and we share it.
    /// Otherwise the file is stale (the PID may even belong to an unrelated process by now, which would
    /// make PostgreSQL refuse to start), so it is removed, with the socket lock files.
    func recoverFromCrash() async throws -> Occupancy {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return .free }
        if let firstLine = text.split(separator: "\n").first,
            let pid = pid_t(firstLine.trimmingCharacters(in: .whitespaces)), pid > 0, isPostmaster(pid)
        {
            let parent = parentProcess(of: pid)
            if let parent, parent != 1, parent != getpid(), kill(parent, 0) == 0 || errno == EPERM {
                return .inUse(pid)
            }
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
            return .free
        }
        logger.debug("removing a stale postmaster.pid")
        try? FileManager.default.removeItem(at: pidFile)
        let socketFiles = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory.path)) ?? []
        for name in socketFiles where name.hasPrefix(".s.PGSQL.") {
            try? FileManager.default.removeItem(at: socketDirectory.appendingPathComponent(name))
        }
        return .free
    }

    /// The parent PID from `/proc/<pid>/stat` (field 4).
    private func parentProcess(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
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
