public import Foundation
import Hashing

/// One schema migration: a file `NNNN_name.sql` of plain SQL, applied once, never edited once merged.
public struct Migration: Sendable, Hashable {
    /// The number `NNNN` that orders migrations.
    public let version: Int
    /// The `name` part of the file name.
    public let name: String
    /// The file's SQL.
    public let sql: String
    /// Lower-case hex SHA-256 of the file's bytes, recorded when applied and compared at every start.
    public let checksum: String

    /// The file name, `NNNN_name.sql`.
    public var fileName: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_\(name).sql"
    }

    /// Creates a migration from a file's content.
    public init(version: Int, name: String, contents: Data) {
        self.version = version
        self.name = name
        self.sql = String(decoding: contents, as: UTF8.self)
        self.checksum = hexString(SHA256.hash(contents))
    }
}

/// The ordered migrations of one folder.
public struct MigrationCatalog: Sendable {
    /// Migrations in ascending version order, without gaps in meaning (versions are unique).
    public let migrations: [Migration]

    /// A catalog of given migrations (tests).
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Reads every `NNNN_name.sql` in `directory`; other files (a README) are ignored.
    /// - Throws: `DatabaseError` `.migrationInvalid` if the folder is unreadable, a `.sql` file is
    ///   misnamed, or two files share a version.
    public static func load(from directory: URL) throws -> MigrationCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DatabaseError(code: .migrationInvalid, context: "cannot read the migrations folder \(directory.path)")
        }
        var migrations: [Migration] = []
        var seen: Set<Int> = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            guard let (version, name) = parse(fileName) else {
                throw DatabaseError(code: .migrationInvalid, context: "\(fileName) is not named NNNN_name.sql")
            }
            guard seen.insert(version).inserted else {
                throw DatabaseError(code: .migrationInvalid, context: "two migrations have version \(version)")
            }
            guard let contents = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path)
            else {
                throw DatabaseError(code: .migrationInvalid, context: "cannot read \(fileName)")
            }
            migrations.append(Migration(version: version, name: name, contents: contents))
        }
        return MigrationCatalog(migrations: migrations)
    }

    static func parse(_ fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(4)
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 4, let version = Int(digits), stem.dropFirst(4).first == "_" else { return nil }
        let name = String(stem.dropFirst(5))
        guard !name.isEmpty, name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 })
        else { return nil }
        return (version, name)
    }
}

/// Finds the `Migrations/` folder; the one place that knows where it may be.
///
/// In order: an explicit path (`--migrations-dir`), `PORTAL_MIGRATIONS_DIR`, a `Migrations/` folder in the
/// package root found by walking up from the executable and from this source file, else `./Migrations`.
public struct MigrationsLocator: Sendable {
    /// The environment to read `PORTAL_MIGRATIONS_DIR` from.
    public var environment: [String: String]
    /// The running executable, whose ancestors are searched (`.build/debug/portal` → package root).
    public var executable: URL?
    /// The working directory, for the last resort `./Migrations`.
    public var currentDirectory: URL

    /// A locator for this process.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: URL? = Bundle.main.executableURL,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) {
        self.environment = environment
        self.executable = executable
        self.currentDirectory = currentDirectory
    }

    /// The folder to load migrations from.
    public func locate(explicit: String? = nil, sourceFile: String = #filePath) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment["PORTAL_MIGRATIONS_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        for start in [executable?.resolvingSymlinksInPath(), URL(fileURLWithPath: sourceFile)].compactMap({ $0 }) {
            var folder = start.deletingLastPathComponent()
            while folder.path != "/" && !folder.path.isEmpty {
                let candidate = folder.appendingPathComponent("Migrations")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                    isDirectory.boolValue,
                    FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
                {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return currentDirectory.appendingPathComponent("Migrations")
    }
}
