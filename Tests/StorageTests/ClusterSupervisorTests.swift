import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

/// The private cluster supervised for real: PostgreSQL killed under a `DatabaseHost`, each test on a
/// cluster of its own (the shared one must stay up).
@Suite(.timeLimit(.minutes(3)))
struct ClusterSupervisorTests {
    /// Events reported by the supervisor, in order.
    final class Events: Sendable {
        private let list = Mutex<[ClusterSupervisor.Event]>([])
        func append(_ event: ClusterSupervisor.Event) { list.withLock { $0.append(event) } }
        /// Short names, for comparing sequences.
        var names: [String] {
            list.withLock { events in
                events.map { event in
                    switch event {
                    case .crashed: "crashed"
                    case .restarting(let attempt, _): "restarting \(attempt)"
                    case .restartFailed(let attempt, _): "failed \(attempt)"
                    case .restarted(let attempt): "restarted \(attempt)"
                    case .gaveUp(let attempts, _): "gave up \(attempts)"
                    }
                }
            }
        }
    }

    private func openHost(in folder: TemporaryDirectory, configure: (inout DatabaseHost.Configuration) -> Void = { _ in })
        async throws -> DatabaseHost
    {
        var configuration = DatabaseHost.Configuration(
            databaseURL: nil, dataDirectory: folder.url, migrationsDirectory: MigrationsLocator(environment: [:]).locate())
        // Committed rows must survive a killed server, so synchronous_commit stays on.
        configuration.embeddedSettings = ["fsync": "off"]
        configuration.supervision.initialBackoff = .milliseconds(100)
        configuration.pool.connectTimeout = .seconds(2)
        configure(&configuration)
        return try await DatabaseHost.open(configuration: configuration, logger: PostgresTestCluster.logger)
    }

    /// Sends SIGKILL to the postmaster named in `postmaster.pid`, as an operator's `kill -9` or the OOM
    /// killer would.
    private func killPostmaster(of host: DatabaseHost) throws -> pid_t {
        let embedded = try #require(host.embedded)
        let pid = try #require(embedded.processIdentifier)
        let recorded = try String(contentsOf: embedded.dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8)
        #expect(recorded.hasPrefix("\(pid)\n"))
        kill(pid, SIGKILL)
        return pid
    }

    @Test func aKilledPostmasterIsRestartedWhileRequestsFailAtOnce() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let host = try await openHost(in: folder)
        try await host.database.execute("CREATE TABLE kept (v text)")
        try await host.database.execute("INSERT INTO kept VALUES (\("before the crash"))")
        let events = Events()
        // A backend busy computing outlives its postmaster (it does not look for its death), as does
        // Foundation's view of the postmaster then: the supervisor must notice the death all the same.
        let busy = Database(
            configuration: Database.Configuration(target: try #require(host.embedded).target()),
            logger: PostgresTestCluster.logger)
        defer { busy.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run(reporting: events.append) }
            group.addTask { _ = try? await busy.query("SELECT count(*) FROM generate_series(1, 10000000000)") }
            try await waitForActiveQuery(on: host.database, containing: "generate_series")
            let killed = try killPostmaster(of: host)

            // While it is down: every request fails as unavailable, quickly, and the pool lends nothing.
            let clock = ContinuousClock()
            let killedAt = clock.now
            let deadline = clock.now + .seconds(30)
            var sawServerDown = false
            while true {
                let start = clock.now
                do {
                    _ = try await host.database.query("SELECT v FROM kept")
                    if sawServerDown { break }
                } catch let error as DatabaseError {
                    #expect(error.isUnavailable, "\(error)")
                    if error.code == .serverDown, !sawServerDown {
                        sawServerDown = true
                        #expect(clock.now - killedAt < .seconds(5), "the death was noticed late")
                    }
                    let readiness = await host.readiness()
                    #expect(!readiness.isReady)
                }
                #expect(clock.now - start < .seconds(3), "a request waited on a dead server")
                try #require(clock.now < deadline, "not back in time; events: \(events.names)")
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(sawServerDown)
            #expect(await host.readiness() == .ready)
            #expect(try #require(host.embedded).processIdentifier != killed)
            let rows = try await host.database.query("SELECT v FROM kept").map { try $0.decode(String.self, at: 0) }
            #expect(rows == ["before the crash"])
            #expect(events.names == ["crashed", "restarting 1", "restarted 1"])
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(host.embedded?.isRunning == false)
    }

    @Test func shuttingDownWhileARestartWaitsLeavesNoServerProcessBehind() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let host = try await openHost(in: folder) { $0.supervision.initialBackoff = .seconds(60) }
        let embedded = try #require(host.embedded)
        let busy = Database(configuration: Database.Configuration(target: embedded.target()), logger: PostgresTestCluster.logger)
        defer { busy.close() }
        let events = Events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run(reporting: events.append) }
            group.addTask { _ = try? await busy.query("SELECT count(*) FROM generate_series(1, 10000000000)") }
            try await waitForActiveQuery(on: host.database, containing: "generate_series")
            _ = try killPostmaster(of: host)
            let deadline = ContinuousClock.now + .seconds(30)
            while events.names != ["crashed", "restarting 1"] {
                try #require(ContinuousClock.now < deadline, "the crash was not noticed: \(events.names)")
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        // The busy backend of the dead server was stopped with the rest, not left to finish its query.
        #expect(serverProcesses(in: embedded.dataDirectory).isEmpty)
    }

    /// The live processes whose working directory is `folder` (PostgreSQL's run in their data folder).
    private func serverProcesses(in folder: URL) -> [Int32] {
        let target = folder.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                cwd == target,
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            else { return false }
            return !stat.contains(") Z ")
        }
    }

    /// Waits until a query whose text holds `text` runs on the server.
    private func waitForActiveQuery(on database: Database, containing text: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        let pattern = "%\(text)%"
        while try await database.query(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE \(pattern)"
        ).first?.decode(Int.self, at: 0) == 0 {
            try #require(clock.now < deadline, "the query did not start")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func givesUpAfterTheConfiguredNumberOfFailedRestarts() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let host = try await openHost(in: folder) { $0.supervision.restartAttempts = 2 }
        let embedded = try #require(host.embedded)
        // A cluster of an unknown version: PostgreSQL refuses to start on it, every time.
        try "7\n".write(to: embedded.dataDirectory.appendingPathComponent("PG_VERSION"), atomically: false, encoding: .utf8)
        let events = Events()
        _ = try killPostmaster(of: host)
        let error = try await #require(throws: DatabaseError.self) { try await host.run(reporting: events.append) }
        #expect(error.code == .embeddedCluster)
        #expect(events.names == ["crashed", "restarting 1", "failed 1", "restarting 2", "failed 2", "gave up 2"])
        #expect(!embedded.isRunning)
        // It shut down: the pool is closed and the data folder free for the next portal.
        let closed = try await #require(throws: DatabaseError.self) { try await host.database.query("SELECT 1") }
        #expect(closed.code == .poolClosed)
        _ = try await Self.acquireWithin(.seconds(5), folder.url)
    }

    /// The data folder's lock, retried for a short while (see `theDataFolderIsLockedWhileTheHostRuns`).
    static func acquireWithin(_ timeout: Duration, _ folder: URL) async throws -> DataDirectoryLock {
        let deadline = ContinuousClock.now + timeout
        while true {
            let result = Result { () throws(DataDirectoryLockError) -> DataDirectoryLock in
                try DataDirectoryLock.acquire(in: folder)
            }
            switch result {
            case .success(let lock):
                return lock
            case .failure(let error):
                guard error.code == .inUse, ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test func theDataFolderIsLockedWhileTheHostRuns() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let host = try await openHost(in: folder)
        let refused = try #require(throws: DataDirectoryLockError.self) { try DataDirectoryLock.acquire(in: folder.url) }
        #expect(refused.code == .inUse)
        #expect(refused.holder == getpid())
        // A second host on the folder refuses before starting anything.
        await #expect(throws: DataDirectoryLockError.self) { try await openHost(in: folder) }
        await host.shutdown()
        // Given up at once; but this test process starts children for other tests all the time, and a
        // child between its fork and its exec briefly shares every descriptor, the lock's too.
        let lock = try await Self.acquireWithin(.seconds(5), folder.url)
        #expect(try String(contentsOf: lock.file, encoding: .utf8) == "\(getpid())\n")
    }
}
