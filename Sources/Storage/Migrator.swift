public import Logging

/// Applies `MigrationCatalog` migrations in order, each once and in its own transaction.
///
/// Runs under a session-level advisory lock (PostgreSQL §9.27.10) so that two portals starting together
/// apply each migration once: the second waits, then finds nothing left to do. Records version, name and
/// SHA-256 of each file in `schema_migrations`, and refuses to go on if an applied file has changed since.
public struct Migrator: Sendable {
    /// The advisory lock key of migrations: "portal.migrations" as a number.
    static let lockKey: Int64 = 0x706F_7274_616C_6D67

    let database: Database
    let catalog: MigrationCatalog
    let logger: Logger

    /// A migrator for `catalog` on `database`.
    public init(database: Database, catalog: MigrationCatalog, logger: Logger = Logger(label: "portal.storage")) {
        self.database = database
        self.catalog = catalog
        self.logger = logger
    }

    /// Brings the schema up to date.
    /// - Returns: The versions this call applied (empty when another process had done it).
    /// - Throws: `DatabaseError` `.migrationChanged` if an applied file's checksum differs,
    ///   `.migrationMissing` if the database has a version the folder lacks, or the SQL's error.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await database.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(on: connection)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                // A failed transaction was rolled back; release the lock for the next migrator.
                _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func apply(on connection: DatabaseConnection) async throws -> [Int] {
        try await connection.executeScript(
            unsafeSQL: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        let recorded = try await Self.recordedChecksums(on: connection)
        try Self.check(recorded: recorded, against: catalog)
        var applied: [Int] = []
        for migration in catalog.migrations where recorded[migration.version] == nil {
            try await connection.executeScript(unsafeSQL: "BEGIN")
            do {
                try await connection.executeScript(unsafeSQL: migration.sql)
                try await connection.execute(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
                try await connection.executeScript(unsafeSQL: "COMMIT")
            } catch {
                try? await connection.executeScript(unsafeSQL: "ROLLBACK")
                throw DatabaseError(
                    code: (error as? DatabaseError)?.code ?? .server, sqlState: (error as? DatabaseError)?.sqlState,
                    context: "migration \(migration.fileName) failed")
            }
            logger.debug("applied migration", metadata: ["db.migration": "\(migration.fileName)"])
            applied.append(migration.version)
        }
        return applied
    }

    static func recordedChecksums(on connection: DatabaseConnection) async throws -> [Int: String] {
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            recorded[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        return recorded
    }

    /// Fails if an applied migration's file changed or disappeared.
    static func check(recorded: [Int: String], against catalog: MigrationCatalog) throws {
        let files = Dictionary(uniqueKeysWithValues: catalog.migrations.map { ($0.version, $0) })
        for (version, checksum) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = files[version] else {
                throw DatabaseError(code: .migrationMissing, context: "applied migration \(version) has no file")
            }
            guard migration.checksum == checksum else {
                throw DatabaseError(
                    code: .migrationChanged,
                    context: "\(migration.fileName) changed after it was applied; add a new migration instead")
            }
        }
    }
}
