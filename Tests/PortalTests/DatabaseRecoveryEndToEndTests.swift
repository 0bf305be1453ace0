import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

/// `portal serve` when its database goes away: the private PostgreSQL killed (restarted, 503 meanwhile,
/// or given up on), a second portal on the same data folder (refused), an external server stopped and
/// started again (recovered). Real binary, real PostgreSQL, real signals.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct DatabaseRecoveryEndToEndTests {
    /// One answer seen by the load, with when it came relative to the kill.
    struct Observation: Sendable {
        var sentAfterKill: Duration
        var duration: Duration
        var status: Int?
        var retryAfter: String?
        var contentType: String?
        var type: String?
        var failure: String?
    }

    /// The answers of a load running against a portal, and when the load started and must stop.
    final class Observations: Sendable {
        private let list = Mutex<[Observation]>([])
        private let killTime = Mutex<ContinuousClock.Instant?>(nil)
        private let stopping = Atomic<Bool>(false)

        func append(_ observation: Observation) { list.withLock { $0.append(observation) } }
        var all: [Observation] { list.withLock { $0 } }

        /// When PostgreSQL was killed, once it was.
        var killedAt: ContinuousClock.Instant? {
            get { killTime.withLock { $0 } }
            set { killTime.withLock { $0 = newValue } }
        }
        /// Whether the load goes on.
        var isRunning: Bool { !stopping.load(ordering: .relaxed) }
        func stop() { stopping.store(true, ordering: .relaxed) }
    }

    static func startPortal(data: TemporaryDirectory, extra: [String] = []) async throws -> (PortalProcess, String) {
        let portal = try PortalProcess(arguments: ["--port", "0", "--data-dir", data.path] + extra)
        let port = try await portal.waitForPort()
        return (portal, "http://127.0.0.1:\(port)")
    }

    /// The private cluster's postmaster PID, from `postmaster.pid` (PostgreSQL §19.3: its first line).
    static func postmasterPID(data: TemporaryDirectory) throws -> pid_t {
        let text = try String(contentsOf: data.appending("postgres/data/postmaster.pid"), encoding: .utf8)
        return try #require(text.split(separator: "\n").first.flatMap { pid_t($0) })
    }

    /// A pool on the portal's own database, through the private cluster's socket, as `psql -h` would.
    static func connect(data: TemporaryDirectory) -> Database {
        var configuration = Database.Configuration(
            target: .unixSocket(directory: data.appending("postgres/run").path, user: "portal", database: "portal"))
        configuration.poolSize = 1
        return Database(configuration: configuration, logger: PostgresTestCluster.logger)
    }

    @Test func aKilledPostgresIsRestartedWhileRequestsGet503AndNoDataIsLost() async throws {
        let data = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { data.remove() }
        let (portal, base) = try await Self.startPortal(data: data)
        #expect(try await send("GET", base + "/readyz").status == 200)

        // Something written through the storage layer before the crash.
        let before = Self.connect(data: data)
        try await before.execute("CREATE TABLE e2e_kept (v text)")
        try await before.execute("INSERT INTO e2e_kept VALUES (\("written before the kill"))")
        before.close()

        let observations = Observations()
        let clock = ContinuousClock()
        let killed = try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<6 {
                group.addTask {
                    while observations.isRunning {
                        let start = clock.now
                        let since = observations.killedAt.map { start - $0 } ?? .zero
                        var observation = Observation(sentAfterKill: since, duration: .zero)
                        do {
                            let reply = try await send("GET", base + "/readyz", timeout: .seconds(10))
                            observation.status = reply.status
                            observation.retryAfter = reply.header("Retry-After")
                            observation.contentType = reply.header("Content-Type")
                            observation.type = reply.json?["type"] as? String
                        } catch {
                            observation.failure = "\(error)"
                        }
                        observation.duration = clock.now - start
                        observations.append(observation)
                        // Half the clients pace themselves, so both busy and idle pooled connections exist.
                        if client % 2 == 1 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(300))  // load under way before the kill (not a sync point)
            let pid = try Self.postmasterPID(data: data)
            observations.killedAt = clock.now
            kill(pid, SIGKILL)

            // Unavailable within 5 s, then ready again by itself within 30 s.
            let deadline = clock.now + .seconds(30)
            // Until a request sent after the last 503 was answered 200 (one sent before the kill may still
            // come back 200 after the first 503s).
            func isReadyAgain() -> Bool {
                let seen = observations.all
                guard let lastUnavailable = seen.last(where: { $0.status == 503 }) else { return false }
                return seen.contains { $0.status == 200 && $0.sentAfterKill > lastUnavailable.sentAfterKill }
            }
            while !isReadyAgain() {
                guard clock.now < deadline, portal.process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            observations.stop()
            try await group.waitForAll()
            return pid
        }

        let seen = observations.all
        #expect(portal.process.isRunning, "the portal exited; log:\n\(portal.log)")
        let firstUnavailable = try #require(seen.first { $0.status == 503 }, "no 503 after the kill; log:\n\(portal.log)")
        #expect(firstUnavailable.sentAfterKill + firstUnavailable.duration < .seconds(5))
        let lastUnavailable = try #require(seen.last { $0.status == 503 })
        #expect(seen.contains { $0.status == 200 && $0.sentAfterKill > lastUnavailable.sentAfterKill })
        #expect(lastUnavailable.sentAfterKill < .seconds(30))
        for observation in seen {
            #expect(observation.failure == nil, "a request failed outright: \(observation.failure ?? "")")
            #expect(observation.duration < .seconds(5), "a request waited \(observation.duration)")
            #expect(observation.status == 200 || observation.status == 503)
            if observation.status == 503 {
                #expect(observation.retryAfter.flatMap { Int($0) } != nil)
                #expect(observation.contentType == "application/problem+json")
                #expect(observation.type == "/problems/not-ready")
            }
        }
        #expect(try Self.postmasterPID(data: data) != killed)
        #expect(portal.log.contains("the private PostgreSQL stopped unexpectedly"))
        #expect(portal.log.contains("the private PostgreSQL is back"))

        // What was committed before the kill survived crash recovery.
        let after = Self.connect(data: data)
        defer { after.close() }
        let rows = try await after.query("SELECT v FROM e2e_kept").map { try $0.decode(String.self, at: 0) }
        #expect(rows == ["written before the kill"])
        let ready = try await send("GET", base + "/readyz")
        #expect(ready.json?["migrations"] as? String == "applied")

        #expect(try await portal.stop() == 0, "portal exited badly; log:\n\(portal.log)")
    }

    @Test func aSecondPortalOnTheSameDataFolderRefusesAtOnceAndTheFirstServesOn() async throws {
        let data = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { data.remove() }
        let (first, base) = try await Self.startPortal(data: data)
        let postmaster = try Self.postmasterPID(data: data)

        let commands: [(command: [String], arguments: [String])] = [
            (["serve"], ["--port", "0"]), (["migrate"], []), (["blobs", "verify"], []),
        ]
        for (command, arguments) in commands {
            let clock = ContinuousClock()
            let start = clock.now
            let second = try PortalProcess(command: command, arguments: arguments + ["--data-dir", data.path])
            let status = try await second.waitForExit(timeout: .seconds(20))
            #expect(status == 75, "\(command) was not refused; log:\n\(second.log)")
            #expect(clock.now - start < .seconds(10))
            #expect(try await second.waitForLog(containing: "--database-url"))
            #expect(second.log.contains("is in use by process \(first.pid)"), "\(second.log)")
            #expect(!second.log.contains("portal listening"))
        }

        // The first portal and its cluster were left alone.
        #expect(try Self.postmasterPID(data: data) == postmaster)
        #expect(try await send("GET", base + "/readyz").status == 200)
        #expect(try await first.stop() == 0, "portal exited badly; log:\n\(first.log)")

        // Once it has stopped, the folder is free.
        let migrate = try PortalProcess(command: ["migrate"], arguments: ["--data-dir", data.path])
        #expect(try await migrate.waitForExit(timeout: .seconds(120)) == 0, "\(migrate.log)")
    }

    @Test func givesUpWithAClearLineAndStatus69AfterTheConfiguredFailedRestarts() async throws {
        let data = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { data.remove() }
        let (portal, base) = try await Self.startPortal(data: data, extra: ["--database-restart-attempts", "2"])
        #expect(try await send("GET", base + "/readyz").status == 200)
        // A cluster of a version no installed PostgreSQL runs: every restart fails.
        try "7\n".write(to: data.appending("postgres/data/PG_VERSION"), atomically: false, encoding: .utf8)
        kill(try Self.postmasterPID(data: data), SIGKILL)

        let status = try await portal.waitForExit(timeout: .seconds(90))
        #expect(status == 69, "log:\n\(portal.log)")
        #expect(
            try await portal.waitForLog(
                containing: "giving up: the private PostgreSQL stopped and it could not be restarted after 2 attempt(s)"),
            "log:\n\(portal.log)")
        #expect(portal.log.components(separatedBy: "restarting the private PostgreSQL failed").count - 1 == 2)
    }

    @Test func withAnExternalDatabaseItStaysUpAndRecoversWhenTheServerIsBack() async throws {
        let external = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { external.remove() }
        let cluster = try await PostgresTestCluster.startPrivateCluster(in: external)
        let url = "postgresql:///portal?host=\(cluster.socketDirectory.path)&user=portal"
        let data = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { data.remove() }
        let (portal, base) = try await Self.startPortal(data: data, extra: ["--database-url", url])
        #expect(try await send("GET", base + "/readyz").status == 200)
        // Not the private cluster: the data folder stays free for more portals on the same database.
        _ = try DataDirectoryLock.acquire(in: data.url)

        await cluster.stop()
        let clock = ContinuousClock()
        let start = clock.now
        let down = try await send("GET", base + "/readyz", timeout: .seconds(10))
        #expect(down.status == 503)
        #expect(down.header("Retry-After") != nil)
        #expect(clock.now - start < .seconds(5))

        try await cluster.start()
        let deadline = clock.now + .seconds(30)
        var status = down.status
        while status != 200, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await send("GET", base + "/readyz", timeout: .seconds(10)).status
        }
        #expect(status == 200, "not ready again; log:\n\(portal.log)")
        #expect(portal.process.isRunning)
        #expect(try await portal.stop() == 0, "portal exited badly; log:\n\(portal.log)")
        await cluster.stop()
    }
}
