public import Foundation
public import Logging

/// "The database" of a portal process: a server at a URL, or the private cluster in the data folder,
/// opened, migrated and ready to lend connections.
///
/// `Portal` opens it once at start-up, runs `run(reporting:)` alongside the HTTP server, and asks
/// `readiness()` for `GET /readyz`. When `run` is cancelled (or `shutdown()` is called), the pool is closed
/// first, then the private cluster stopped.
///
/// The private cluster is the process's own: opening it takes the data folder's `DataDirectoryLock`
/// first, before anything starts, and holds it until `shutdown()` has stopped the cluster. While running,
/// a crashed cluster is restarted (`ClusterSupervisor`) and requests meanwhile fail at once as
/// unavailable. An external server (a URL) is not ours to restart: the pool replaces the connections it
/// closed once it is back.
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
        /// How the private cluster is restarted after a crash.
        public var supervision = ClusterSupervisor.Configuration()

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
    /// The data folder's lock, held with the private cluster.
    private let lock: DataDirectoryLock?
    private let supervision: ClusterSupervisor.Configuration

    private init(
        database: Database, catalog: MigrationCatalog, embedded: EmbeddedPostgres?, lock: DataDirectoryLock?,
        supervision: ClusterSupervisor.Configuration
    ) {
        self.database = database
        self.catalog = catalog
        self.embedded = embedded
        self.lock = lock
        self.supervision = supervision
    }

    /// Locks the data folder and starts the private cluster if needed, opens the pool and applies
    /// pending migrations.
    /// - Throws: `DataDirectoryLockError` `.inUse` when another process holds the data folder (nothing
    ///   was started then); `DatabaseError`, in particular `.migrationChanged` when an applied file was
    ///   edited, in which case the portal must not start. Nothing is left running when it throws.
    public static func open(configuration: Configuration, logger: Logger) async throws -> DatabaseHost {
        let catalog = try MigrationCatalog.load(from: configuration.migrationsDirectory)
        var embedded: EmbeddedPostgres?
        var lock: DataDirectoryLock?
        var pool = configuration.pool
        if let url = configuration.databaseURL, !url.isEmpty {
            pool.target = ConnectionTarget(connectionString: url)
        } else {
            lock = try DataDirectoryLock.acquire(in: configuration.dataDirectory)
            var cluster = EmbeddedPostgres.Configuration(
                directory: configuration.dataDirectory.appendingPathComponent("postgres"))
            cluster.settings = configuration.embeddedSettings
            let postgres = EmbeddedPostgres(configuration: cluster, logger: logger)
            do {
                try await postgres.start()
            } catch {
                lock?.release()
                throw error
            }
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
            lock?.release()
            throw error
        }
        return DatabaseHost(
            database: database, catalog: catalog, embedded: embedded, lock: lock,
            supervision: configuration.supervision)
    }

    /// 200-worthy only when the database answers and every migration is applied unchanged.
    public func readiness() async -> Readiness {
        await database.readiness(expecting: catalog)
    }

    /// Serves until the task is cancelled, restarting the private cluster whenever it dies, then shuts
    /// down.
    /// - Parameter report: Told what happens to the private cluster (crash, restart attempts, back, gave
    ///   up), for the portal's log; called on the supervising task.
    /// - Throws: `DatabaseError` `.embeddedCluster` when the private cluster died and could not be
    ///   restarted within `Configuration.supervision.restartAttempts`.
    public func run(reporting report: @Sendable (ClusterSupervisor.Event) -> Void = { _ in }) async throws {
        if let embedded {
            let supervisor = ClusterSupervisor(cluster: embedded, database: database, configuration: supervision)
            do {
                try await supervisor.run(reporting: report)
            } catch {
                await shutdown()
                throw error
            }
        } else {
            await Cancellation.wait()
        }
        await shutdown()
    }

    /// Closes the pool, then stops the private cluster and gives the data folder up.
    public func shutdown() async {
        database.close()
        await embedded?.stop()
        lock?.release()
    }
}
