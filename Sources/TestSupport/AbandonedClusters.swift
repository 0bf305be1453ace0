import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test clusters whose test process died before its exit clean-up ran (killed by a timeout, crashed).
///
/// Such a cluster keeps running and keeps its folder (a few hundred MB). Each shared test cluster's folder
/// names the test process that owns it in `owner.pid`; when a test process starts its cluster, it stops
/// the servers of folders whose owner is gone and removes those folders. A folder without that file, or
/// whose owner still runs, is left alone.
enum AbandonedClusters {
    static let prefix = "portal-pg-"
    static let ownerFile = "owner.pid"

    /// Marks `folder` as owned by this process.
    static func claim(_ folder: String) throws {
        try "\(getpid())\n".write(toFile: folder + "/" + ownerFile, atomically: true, encoding: .utf8)
    }

    /// Stops and removes the clusters of dead test processes in the temporary folder.
    static func sweep() {
        let root = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix(prefix) {
            let folder = root + "/" + name
            guard let owner = firstNumber(inFile: folder + "/" + ownerFile), owner != getpid(),
                !isRunning(owner)
            else { continue }
            let data = folder + "/postgres/data"
            if let server = firstNumber(inFile: data + "/postmaster.pid"), isPostgres(server, dataDirectory: data) {
                // Immediate shutdown: the data is thrown away anyway.
                kill(server, SIGQUIT)
                for _ in 0..<250 where access(data + "/postmaster.pid", F_OK) == 0 { usleep(20_000) }
            }
            try? FileManager.default.removeItem(atPath: folder)
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

    /// Whether `pid` is a PostgreSQL server on `dataDirectory` (a recycled PID is never signalled).
    private static func isPostgres(_ pid: Int32, dataDirectory: String) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.first?.hasSuffix("postgres") == true && arguments.contains(dataDirectory)
    }
}
