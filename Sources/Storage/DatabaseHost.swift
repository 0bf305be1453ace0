public import Foundation
public import Logging

/// "The database" of a portal process: a server at a URL, or the private cluster in the data folder,
/// opened, migrated and ready to lend connections.
///
/// `Portal` opens it once at start-up, runs `run()` alongside the HTTP server, and asks `readiness()` for
/// `GET /readyz`. When `run()` is cancelled (or `shutdown()` is called), the pool is closed first, then
/// the private cluster stopped.
public final class DatabaseHost: Sendable {
    /// Which database, and what to do on opening it.
    public struct Configuration: Sendable {
        /// A libpq URI (`PORTAL_DATABASE_URL`); `nil` runs the private cluster.
        public var databaseURL: String?
        /// The portal's data folder (`PORTAL_DATA_DIR`); the private cluster lives in `<dataDirectory>/postgres`.
        public var dataDirectory: URL
        /// The migrations folder, from `MigrationsLocator`.
        public var migrationsDirectory: URL
        /// Pool limits; its `target` is replaced by the resolved one.
        public var pool: Database.Configuration
        /// Applies pending migrations while opening. Default `true`.
        public var migratesOnOpen = true
        /// Extra settings of the private cluster (tests relax durability with them).
        public var embeddedSettings: [String: String] = [:]

        /// A configuration with defaults.
        public init(databaseURL: String?, dataDirectory: URL, migrationsDirectory: URL) {
            self.databaseURL = databaseURL
            self.dataDirectory = dataDirectory
            self.migrationsDirectory = migrationsDirectory
            self.pool = Database.Configuration(target: ConnectionTarget(connectionString: databaseURL ?? ""))
        }
    }

    /// The pool.
    public let database: Database
    /// The migrations the schema must match.
    public let catalog: MigrationCatalog
    /// The private cluster, when no URL was given.
    public let embedded: EmbeddedPostgres?

    private init(database: Database, catalog: MigrationCatalog, embedded: EmbeddedPostgres?) {
        self.database = database
        self.catalog = catalog
        self.embedded = embedded
    }

    /// Starts the private cluster if needed, opens the pool and applies pending migrations.
    /// - Throws: `DatabaseError`; in particular `.migrationChanged` when an applied file was edited, in
    ///   which case the portal must not start. Nothing is left running when it throws.
    public static func open(configuration: Configuration, logger: Logger) async throws -> DatabaseHost {
        let catalog = try MigrationCatalog.load(from: configuration.migrationsDirectory)
        var embedded: EmbeddedPostgres?
        var pool = configuration.pool
        if let url = configuration.databaseURL, !url.isEmpty {
            pool.target = ConnectionTarget(connectionString: url)
        } else {
            var cluster = EmbeddedPostgres.Configuration(
                directory: configuration.dataDirectory.appendingPathComponent("postgres"))
            cluster.settings = configuration.embeddedSettings
            let postgres = EmbeddedPostgres(configuration: cluster, logger: logger)
            try await postgres.start()
            embedded = postgres
            pool.target = postgres.target()
        }
        let database = Database(configuration: pool, logger: logger)
        do {
            if configuration.migratesOnOpen {
                try await Migrator(database: database, catalog: catalog, logger: logger).migrate()
            }
        } catch {
            database.close()
            await embedded?.stop()
            throw error
        }
        return DatabaseHost(database: database, catalog: catalog, embedded: embedded)
    }

    /// 200-worthy only when the database answers and every migration is applied unchanged.
    public func readiness() async -> Readiness {
        await database.readiness(expecting: catalog)
    }

    /// Waits until the task is cancelled or the private cluster dies, then shuts down.
    /// - Throws: `DatabaseError` `.embeddedCluster` if the private cluster exited on its own.
    public func run() async throws {
        if let embedded {
            do {
                try await embedded.waitWhileRunning()
            } catch {
                await shutdown()
                throw error
            }
        } else {
            await Cancellation.wait()
        }
        await shutdown()
    }

    /// Closes the pool, then stops the private cluster.
    public func shutdown() async {
        database.close()
        await embedded?.stop()
    }
}
