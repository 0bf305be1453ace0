import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporary folders of test processes that died before their clean-up ran (killed by a timeout,
/// crashed), and the servers still running in them: a private PostgreSQL cluster (a few hundred MB), or an
/// end-to-end `portal serve` with its own cluster.
///
/// ``TemporaryDirectory/make(prefix:)`` writes the owning test process's PID beside each folder it makes
/// (`/tmp/portal-…XXXXXX.owner`). The first folder a test process makes sweeps the others: for each owner
/// file whose process is gone, every process whose command line names that folder is stopped (a portal with
/// SIGTERM, so that it stops its cluster; a PostgreSQL server with SIGQUIT, the data being throw-away; what
/// is left after 10 s with SIGKILL), then the folder and its owner file are removed. A folder without an
/// owner file, or whose owner still runs, is left alone.
enum AbandonedTestFolders {
    static let ownerSuffix = ".owner"

    /// Records this process as the owner of `folder`.
    static func claim(_ folder: String) {
        try? "\(getpid())\n".write(toFile: folder + ownerSuffix, atomically: true, encoding: .utf8)
    }

    /// Forgets the owner of `folder` (removed by its owner).
    static func release(_ folder: String) {
        unlink(folder + ownerSuffix)
    }

    /// Sweeps once per process.
    static let sweepOnce: Void = sweep()

    private static func sweep() {
        let root = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix("portal-") && name.hasSuffix(ownerSuffix) {
            let ownerFile = root + "/" + name
            guard let owner = firstNumber(inFile: ownerFile), owner != getpid(), !isRunning(owner) else { continue }
            let folder = String(ownerFile.dropLast(ownerSuffix.count))
            stopProcesses(using: folder)
            try? FileManager.default.removeItem(atPath: folder)
            unlink(ownerFile)
        }
    }

    private static func stopProcesses(using folder: String) {
        var running = processes(using: folder)
        for (pid, program) in running { kill(pid, program.hasSuffix("postgres") ? SIGQUIT : SIGTERM) }
        for _ in 0..<500 where !running.isEmpty {
            usleep(20_000)
            running = running.filter { isRunning($0.pid) }
        }
        for (pid, _) in running { kill(pid, SIGKILL) }
    }

    /// Processes whose command line names `folder` or a path inside it, with their program path.
    private static func processes(using folder: String) -> [(pid: Int32, program: String)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = Int32(entry), pid != getpid(),
                let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return nil }
            let arguments = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first,
                arguments.dropFirst().contains(where: { $0 == folder || $0.hasPrefix(folder + "/") })
            else { return nil }
            return (pid, program)
        }
    }

    /// The number on the first line of a small file.
    private static func firstNumber(inFile path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", maxSplits: 1).first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    private static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
