public import Foundation
public import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster kept in the portal's data folder and run as a child process.
///
/// Layout under `directory`: `data/` (the cluster, made by `initdb` on first start), `run/` (the Unix
/// socket, mode 0700: the only way in; `listen_addresses` is empty so no TCP port is opened) and
/// `postgres.log`. After a crash of the portal, a postmaster it left running is stopped; after a crash of
/// PostgreSQL, the server processes it left are stopped and a stale `postmaster.pid` removed, before
/// starting again (crash recovery then replays the WAL). As root, the cluster is owned by and runs as an
/// unprivileged account (`postgres`, else `nobody`).
///
/// One process at a time may run a cluster: the caller holds the data folder's `DataDirectoryLock`
/// (`DatabaseHost` does), so a server found running in the folder is an orphan, never another portal's.
///
/// Lifecycle: `run()` starts, waits until cancelled, then stops; or call `start()` and `stop()`, and
/// `waitForExit()` to learn that the server died (`DatabaseHost` restarts it then).
public final class EmbeddedPostgres: Sendable {
    /// Where and how the cluster runs.
    public struct Configuration: Sendable {
        /// The cluster's folder, normally `<data-dir>/postgres`.
        public var directory: URL
        /// The server programs; `nil` finds the newest installed (`PostgresBinaries.locate()`).
        public var binaries: PostgresBinaries?
        /// The superuser role created by `initdb`. Default `portal`.
        public var user = "portal"
        /// The database created on first start. Default `portal`.
        public var database = "portal"
        /// Extra server settings (`-c name=value`), e.g. `fsync=off` for throw-away test clusters.
        public var settings: [String: String] = [:]
        /// `false` skips `initdb`'s final fsync; only for throw-away clusters. Default `true`.
        public var isDurable = true
        /// The account to run as when the portal is root; `nil` tries `postgres`, then `nobody`.
        public var unprivilegedAccount: String?
        /// Longest wait for the server to accept connections after launch. Default 60 s.
        public var startTimeout: Duration = .seconds(60)
        /// Longest wait for a fast shutdown before an immediate one. Default 30 s.
        public var stopTimeout: Duration = .seconds(30)
        /// After PostgreSQL was killed, longest wait for each of its leftover processes to quit on SIGQUIT
        /// before SIGKILL, and then to go. Default 5 s.
        public var leftoverExitTimeout: Duration = .seconds(5)
        /// How often `waitForExit()` looks whether the server died: the longest it takes to notice.
        /// Default 100 ms.
        public var exitCheckInterval: Duration = .milliseconds(100)

        /// A configuration with defaults for `directory`.
        public init(directory: URL) { self.directory = directory }
    }

    /// The port number only names the socket file (`.s.PGSQL.5432`); no TCP port is opened.
    static let port = 5432

    /// The configuration the cluster was made with.
    public let configuration: Configuration
    let logger: Logger
    private let child = Mutex<ChildProcess?>(nil)

    /// A cluster in `configuration.directory`; nothing happens until `start()`.
    public init(configuration: Configuration, logger: Logger = Logger(label: "portal.storage")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The cluster's `PGDATA`.
    public var dataDirectory: URL { configuration.directory.appendingPathComponent("data") }
    /// The folder of the Unix socket (`psql -h`, `pgbench -h`); port 5432, user `configuration.user`.
    public var socketDirectory: URL { configuration.directory.appendingPathComponent("run") }
    /// The server's log.
    public var logFile: URL { configuration.directory.appendingPathComponent("postgres.log") }

    /// How to reach the cluster's database (or another database of it).
    public func target(database: String? = nil) -> ConnectionTarget {
        .unixSocket(
            directory: socketDirectory.path, port: Self.port, user: configuration.user,
            database: database ?? configuration.database)
    }

    /// The server's process ID while it runs.
    public var processIdentifier: Int32? { child.withLock { $0?.pid } }

    /// Whether the server process is running.
    public var isRunning: Bool { child.withLock { $0.map { !$0.hasExited } ?? false } }

    /// Starts the cluster (running `initdb` first if needed) and waits until it accepts connections.
    /// - Throws: `DatabaseError` `.embeddedCluster` with the reason (and the log's last lines).
    public func start() async throws {
        guard !isRunning else { return }
        let binaries = try configuration.binaries ?? PostgresBinaries.locate()
        let account = try ChildAccount.forCurrentProcess(preferred: configuration.unprivilegedAccount)
        try await prepareFolders(account: account)
        try await recoverFromCrash()
        if !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            try await initialise(binaries: binaries, account: account)
        }
        var arguments = [
            binaries.postgres.path, "-D", dataDirectory.path, "-k", socketDirectory.path, "-p", String(Self.port),
            "-c", "listen_addresses=", "-c", "unix_socket_permissions=0700", "-c", "logging_collector=off",
        ]
        for (name, value) in configuration.settings.sorted(by: { $0.key < $1.key }) {
            arguments += ["-c", "\(name)=\(value)"]
        }
        let process = try ChildProcess.launch(
            arguments, as: account, workingDirectory: configuration.directory, log: logFile)
        child.withLock { $0 = process }
        logger.debug("started private PostgreSQL", metadata: ["db.pid": "\(process.pid)"])
        do {
            try await waitUntilReady(process)
            try await createDatabaseIfMissing(configuration.database)
        } catch {
            await stop()
            throw error
        }
    }

    /// Stops the server with a fast shutdown (SIGINT: sessions end, a checkpoint is written), escalating
    /// to an immediate shutdown (SIGQUIT) and then SIGKILL if it does not exit in time.
    ///
    /// A server that already died may have left backends running (see `recoverFromCrash()`): they are
    /// stopped instead, so that none outlives the portal.
    public func stop() async {
        guard let process = child.withLock({ $0 }) else { return }
        if process.hasExited {
            try? await stopLeftoverServerProcesses()
        }
        process.send(SIGINT)
        if await !process.waitForExit(timeout: configuration.stopTimeout) {
            process.send(SIGQUIT)
            if await !process.waitForExit(timeout: .seconds(10)) {
                process.send(SIGKILL)
                _ = await process.waitForExit(timeout: .seconds(10))
            }
        }
        child.withLock { $0 = nil }
        logger.debug("stopped private PostgreSQL")
    }

    /// Starts the cluster, waits until the task is cancelled (or the server dies), then stops it.
    /// - Throws: `DatabaseError` `.embeddedCluster` if it cannot start or exits on its own.
    public func run() async throws {
        try await start()
        if let status = await waitForExit() {
            await stop()
            throw DatabaseError(
                code: .embeddedCluster, context: "PostgreSQL exited unexpectedly (\(status)); see \(logFile.path)")
        }
        await stop()
    }

    /// Waits until the server exits on its own, without stopping it; notices within `exitCheckInterval`,
    /// even while backends of a killed postmaster live on.
    /// - Returns: Its exit status (the signal number if a signal killed it), or `nil` when the task is
    ///   cancelled first or no server was started.
    public func waitForExit() async -> Int32? {
        guard let process = child.withLock({ $0 }) else { return nil }
        return await process.exitStatus(checkingEvery: configuration.exitCheckInterval)
    }

    /// Creates database `name` unless it exists.
    /// - Parameter name: `[a-z0-9_]`, at most 63 characters.
    public func createDatabaseIfMissing(_ name: String) async throws {
        guard Identifier.isValid(name) else {
            throw DatabaseError(code: .invalidParameter, context: "database names must match [a-z0-9_]")
        }
        var configuration = Database.Configuration(target: target(database: "postgres"))
        configuration.poolSize = 1
        let maintenance = Database(configuration: configuration, logger: logger)
        defer { maintenance.close() }
        let exists = try await maintenance.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
        if exists.isEmpty {
            try await maintenance.withConnection { connection in
                try await connection.executeScript(unsafeSQL: "CREATE DATABASE \(Identifier.quoted(name))")
            }
        }
    }

    // MARK: - Steps

    private func prepareFolders(account: ChildAccount?) async throws {
        let manager = FileManager.default
        let parent = configuration.directory.deletingLastPathComponent()
        if account != nil {
            // The unprivileged child must pass through the data folder: give it search (not list) rights.
            try? manager.createDirectory(at: parent, withIntermediateDirectories: true)
            var status = stat()
            if stat(parent.path, &status) == 0, status.st_uid == geteuid() {
                chmod(parent.path, (status.st_mode & 0o7777) | 0o001)
            }
        }
        for folder in [configuration.directory, socketDirectory] {
            do {
                try manager.createDirectory(
                    at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw DatabaseError(code: .embeddedCluster, context: "cannot create \(folder.path)")
            }
            try account?.own(folder)
        }
        if let account {
            let status = try await ChildProcess.run(
                ["/usr/bin/test", "-w", configuration.directory.path], as: account, workingDirectory: URL(fileURLWithPath: "/"),
                log: logFile)
            guard status == 0 else {
                throw DatabaseError(
                    code: .embeddedCluster,
                    context: "user \(account.name) cannot reach \(configuration.directory.path); "
                        + "make its parent folders searchable (chmod o+x) or choose another --data-dir")
            }
        }
        // sockaddr_un.sun_path holds 108 bytes including the final NUL.
        let socketPath = socketDirectory.appendingPathComponent(".s.PGSQL.\(Self.port)").path
        guard socketPath.utf8.count <= 107 else {
            throw DatabaseError(
                code: .embeddedCluster,
                context: "the socket path \(socketPath) is longer than 107 bytes; choose a shorter --data-dir")
        }
    }

    private func initialise(binaries: PostgresBinaries, account: ChildAccount?) async throws {
        // initdb into a scratch folder, renamed when complete: a crash during initdb leaves no half cluster.
        let scratch = configuration.directory.appendingPathComponent("data.initdb")
        try? FileManager.default.removeItem(at: scratch)
        var arguments = [
            binaries.initdb.path, "-D", scratch.path, "-U", configuration.user, "--auth=trust", "-E", "UTF8",
            "--no-locale",
        ]
        if !configuration.isDurable { arguments.append("--no-sync") }
        logger.debug("initialising private PostgreSQL cluster")
        let status = try await ChildProcess.run(
            arguments, as: account, workingDirectory: configuration.directory, log: logFile)
        guard status == 0 else {
            throw DatabaseError(code: .embeddedCluster, context: "initdb failed (status \(status)): \(logTail())")
        }
        guard rename(scratch.path, dataDirectory.path) == 0 else {
            throw DatabaseError(code: .embeddedCluster, context: "cannot move the new cluster into place")
        }
    }

    private func waitUntilReady(_ process: ChildProcess) async throws {
        let deadline = ContinuousClock.now + configuration.startTimeout
        while true {
            // Shutting down while a restart waits for the server: stop it rather than wait it out.
            if Task.isCancelled { throw CancellationError() }
            if process.hasExited {
                child.withLock { $0 = nil }
                throw DatabaseError(code: .embeddedCluster, context: "PostgreSQL did not start: \(logTail())")
            }
            if await isAcceptingConnections() { return }
            if ContinuousClock.now >= deadline {
                throw DatabaseError(code: .embeddedCluster, context: "PostgreSQL did not become ready in time")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func isAcceptingConnections() async -> Bool {
        let probe = target(database: "postgres")
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: PostgresConnection.ping(probe)) }
        }
    }

    /// The last lines of `postgres.log`, for errors an operator has to act on.
    func logTail(lines: Int = 5) -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "no log" }
        return text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }
}
