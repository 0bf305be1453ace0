public import Foundation

/// The PostgreSQL server programs the private cluster runs: `initdb` and `postgres`.
public struct PostgresBinaries: Sendable {
    /// The folder holding them.
    public let directory: URL

    /// The programs in `directory`.
    public init(directory: URL) { self.directory = directory }

    /// `initdb`.
    public var initdb: URL { directory.appendingPathComponent("initdb") }
    /// `postgres`.
    public var postgres: URL { directory.appendingPathComponent("postgres") }

    /// The newest installed version under `/usr/lib/postgresql/<major>/bin` (Debian's layout), else the
    /// folder of `postgres` found on `PATH`.
    /// - Throws: `DatabaseError` `.embeddedCluster` when none is installed.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> PostgresBinaries
    {
        let root = "/usr/lib/postgresql"
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
        for (name, _) in majors {
            let candidate = PostgresBinaries(directory: URL(fileURLWithPath: "\(root)/\(name)/bin"))
            if candidate.isComplete { return candidate }
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = PostgresBinaries(directory: URL(fileURLWithPath: String(folder)))
            if candidate.isComplete { return candidate }
        }
        throw DatabaseError(
            code: .embeddedCluster,
            context: "no PostgreSQL server found (install the postgresql package, or set PORTAL_DATABASE_URL)")
    }

    var isComplete: Bool {
        FileManager.default.isExecutableFile(atPath: initdb.path)
            && FileManager.default.isExecutableFile(atPath: postgres.path)
    }
}
