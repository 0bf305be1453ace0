import Foundation
import Storage
import TestSupport
import Testing

/// The private cluster's lifecycle, each test on a cluster of its own (the shared one must stay up).
@Suite(.timeLimit(.minutes(3)))
struct EmbeddedPostgresTests {
    private func waitUntil(_ condition: () -> Bool, seconds: Int = 60) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "condition not met in time")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func requestsFailFastWhileStoppedAndSucceedAfterRestartWithoutANewPool() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let cluster = try await PostgresTestCluster.startPrivateCluster(in: folder)
        var configuration = Database.Configuration(target: cluster.target())
        configuration.poolSize = 3
        configuration.acquireTimeout = .seconds(30)
        configuration.connectTimeout = .seconds(2)
        let database = Database(configuration: configuration, logger: PostgresTestCluster.logger)
        defer { database.close() }
        try await concurrently(6) { try await database.query("SELECT 1") }

        await cluster.stop()
        let clock = ContinuousClock()
        let failures = try await concurrently(6) { () -> (DatabaseError?, Duration) in
            let start = clock.now
            do {
                _ = try await database.query("SELECT 1")
                return (nil, clock.now - start)
            } catch let error as DatabaseError {
                return (error, clock.now - start)
            }
        }
        for (error, elapsed) in failures {
            let error = try #require(error, "a query succeeded with the server stopped")
            #expect(error.isUnavailable)
            #expect(elapsed < .seconds(10))
        }

        try await cluster.start()
        // The same pool recovers at once: the closed connections are noticed and replaced.
        let answers = try await concurrently(6) {
            try await database.query("SELECT 42").first?.decode(Int.self, at: 0)
        }
        #expect(answers == Array(repeating: 42, count: 6))
        await cluster.stop()
    }

    @Test func startingAgainReusesDataAndRecoversFromCrashes() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        // Committed data must survive a killed server, so synchronous_commit stays on here.
        let settings = ["fsync": "off"]
        let first = try await PostgresTestCluster.startPrivateCluster(in: folder, settings: settings)
        let database = Database(configuration: Database.Configuration(target: first.target()))
        try await database.execute("CREATE TABLE kept (v text)")
        try await database.execute("INSERT INTO kept VALUES (\("survives"))")
        database.close()

        // The portal crashed but its PostgreSQL child lives on: a new start stops that orphan and takes over.
        let second = try await PostgresTestCluster.startPrivateCluster(in: folder, settings: settings)
        try await waitUntil { !first.isRunning }
        #expect(try await read(second) == ["survives"])

        // PostgreSQL itself was killed: postmaster.pid is stale, and a backend busy computing does not notice
        // its postmaster's death, holding the old shared memory (PostgreSQL would refuse to start: "pre-existing
        // shared memory block is still in use"); the next start stops it and recovers.
        let busy = Database(configuration: Database.Configuration(target: second.target()))
        defer { busy.close() }
        let postmasterPID = folder.appending("postgres/data/postmaster.pid").path
        let third = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Fails once its backend is stopped.
                _ = try? await busy.query("SELECT count(*) FROM generate_series(1, 10000000000)")
            }
            let watcher = Database(configuration: Database.Configuration(target: second.target()))
            defer { watcher.close() }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            while try await watcher.query(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%generate_series%'"
            ).first?.decode(Int.self, at: 0) == 0 {
                try #require(clock.now < deadline, "the busy query did not start")
                try await Task.sleep(for: .milliseconds(20))
            }
            kill(try #require(second.processIdentifier), SIGKILL)
            try await waitUntil { !second.isRunning }
            #expect(FileManager.default.fileExists(atPath: postmasterPID))
            let third = try await PostgresTestCluster.startPrivateCluster(in: folder, settings: settings)
            try await group.waitForAll()
            return third
        }
        #expect(try await read(third) == ["survives"])
        await third.stop()
        #expect(!FileManager.default.fileExists(atPath: postmasterPID))
    }

    @Test func hostOpensMigratesServesAndStopsCleanlyWhenCancelled() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        var configuration = DatabaseHost.Configuration(
            databaseURL: nil, dataDirectory: folder.url, migrationsDirectory: MigrationsLocator(environment: [:]).locate())
        configuration.embeddedSettings = PostgresTestCluster.throwAwaySettings
        let host = try await DatabaseHost.open(configuration: configuration, logger: PostgresTestCluster.logger)
        #expect(await host.readiness() == .ready)
        let embedded = try #require(host.embedded)
        let socketFolder = folder.appending("postgres/run").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: socketFolder).contains(".s.PGSQL.5432"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            #expect(try await host.database.query("SELECT count(*) FROM blobs").first?.decode(Int.self, at: 0) == 0)
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(!embedded.isRunning)
        #expect(!FileManager.default.fileExists(atPath: folder.appending("postgres/data/postmaster.pid").path))
        #expect(await host.readiness().isReady == false)
    }

    @Test func hostWithADatabaseURLUsesThatServerAndStopsWhenCancelled() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let cluster = try await PostgresTestCluster.shared.cluster()
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let configuration = DatabaseHost.Configuration(
            databaseURL: cluster.target(database: test.name).connectionString, dataDirectory: folder.url,
            migrationsDirectory: MigrationsLocator(environment: [:]).locate())
        let host = try await DatabaseHost.open(configuration: configuration, logger: PostgresTestCluster.logger)
        #expect(host.embedded == nil)
        #expect(await host.readiness() == .ready)
        // The migration landed in the test's database, and no cluster was made in the data folder.
        #expect(try await test.database.query("SELECT count(*) FROM schema_migrations").first?.decode(Int.self, at: 0) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appending("postgres").path))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            group.cancelAll()
            try await group.waitForAll()
        }
        let error = try await #require(throws: DatabaseError.self) { try await host.database.query("SELECT 1") }
        #expect(error.code == .poolClosed)
    }

    private func read(_ cluster: EmbeddedPostgres) async throws -> [String] {
        let database = Database(configuration: Database.Configuration(target: cluster.target()))
        defer { database.close() }
        return try await database.query("SELECT v FROM kept").map { try $0.decode(String.self, at: 0) }
    }
}

/// Runs `body` `count` times concurrently and returns the results in completion order.
@discardableResult
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> [T] {
    try await withThrowingTaskGroup(of: T.self) { group in
        for _ in 0..<count { group.addTask { try await body() } }
        var results: [T] = []
        for try await result in group { results.append(result) }
        return results
    }
}
