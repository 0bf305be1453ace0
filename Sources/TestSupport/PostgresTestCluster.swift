import Foundation
public import Logging
public import Storage
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one private PostgreSQL cluster of a test process, started on first use in a temporary folder.
///
/// Each test asks for its own database (`makeDatabase()`), named `test_<random>`, so tests run in parallel
/// without seeing each other's rows. The cluster is stopped and its folder removed when the process exits;
/// the next test process sweeps away the folders and servers of one that died first (`AbandonedTestFolders`).
/// No mock: every storage test talks to a real server.
public actor PostgresTestCluster {
    /// The cluster shared by every test of the process.
    public static let shared = PostgresTestCluster()

    private var starting: Task<EmbeddedPostgres, any Error>?

    /// Settings for a throw-away cluster: durability off (its data dies with the process), room for many
    /// pools.
    public static let throwAwaySettings: [String: String] = [
        "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300",
        "shared_buffers": "32MB",
    ]

    /// The running cluster, started if needed.
    public func cluster() async throws -> EmbeddedPostgres {
        if let starting { return try await starting.value }
        let task = Task { try await Self.startShared() }
        starting = task
        return try await task.value
    }

    /// A new empty database and a pool on it.
    /// - Parameter configure: Adjusts the pool (size, timeouts) before it is made.
    public func makeDatabase(
        configure: @Sendable (inout Database.Configuration) -> Void = { _ in }
    ) async throws -> TestDatabase {
        let cluster = try await cluster()
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try await cluster.createDatabaseIfMissing(name)
        var configuration = Database.Configuration(target: cluster.target(database: name))
        configuration.poolSize = 4
        configuration.acquireTimeout = .seconds(20)
        configure(&configuration)
        return TestDatabase(name: name, database: Database(configuration: configuration, logger: Self.logger))
    }

    /// A logger that drops everything (storage logs at debug only).
    public static let logger = Logger(label: "portal.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts a private cluster in a new temporary folder.
    /// - Parameter settings: Server settings; defaults to `throwAwaySettings`.
    public static func startPrivateCluster(
        in directory: TemporaryDirectory, settings: [String: String] = throwAwaySettings
    ) async throws -> EmbeddedPostgres {
        var configuration = EmbeddedPostgres.Configuration(directory: directory.appending("postgres"))
        configuration.settings = settings
        configuration.isDurable = false
        configuration.startTimeout = .seconds(120)
        let cluster = EmbeddedPostgres(configuration: configuration, logger: logger)
        try await cluster.start()
        return cluster
    }

    private static func startShared() async throws -> EmbeddedPostgres {
        let directory = try TemporaryDirectory.make(prefix: "portal-pg-")
        let cluster = try await startPrivateCluster(in: directory)
        ExitCleanup.register(cluster: cluster, directory: directory)
        return cluster
    }
}

/// A test's own database on the shared cluster.
public struct TestDatabase: Sendable {
    /// The database name, `test_<random>`.
    public let name: String
    /// A pool on it.
    public let database: Database
}

/// Stops the shared cluster when the test process exits, since tests have no global tear-down.
enum ExitCleanup {
    private static let state = Mutex<(pid: Int32, dataDirectory: String, folder: String)?>(nil)

    static func register(cluster: EmbeddedPostgres, directory: TemporaryDirectory) {
        guard let pid = cluster.processIdentifier else { return }
        let data = cluster.configuration.directory.appendingPathComponent("data/postmaster.pid").path
        state.withLock { $0 = (pid, data, directory.path) }
        atexit {
            guard let (pid, pidFile, folder) = ExitCleanup.state.withLock({ $0 }) else { return }
            kill(pid, SIGINT)
            // PostgreSQL removes postmaster.pid as the last step of its shutdown.
            for _ in 0..<750 where access(pidFile, F_OK) == 0 { usleep(20_000) }
            try? FileManager.default.removeItem(atPath: folder)
            AbandonedTestFolders.release(folder)
        }
    }
}
