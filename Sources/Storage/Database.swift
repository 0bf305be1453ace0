import EventLoops
public import Logging

/// PostgreSQL through a bounded pool of libpq connections, lent through closures.
///
/// ```swift
/// let size = try await database.withConnection { connection in
///     try await connection.query("SELECT size FROM blobs WHERE sha256 = \(hex)").first?.decode(Int.self, at: 0)
/// }
/// ```
/// After a server restart, connections the server closed are noticed before they are lent (libpq reads
/// the pending termination message) and replaced, so requests fail fast while the server is down and
/// succeed again once it is back, without a new `Database`. (A connection used in the last
/// `closedCheckAfterIdle` is lent unchecked; if the server closed it, that query fails and it is replaced.)
/// When the server is known to be down (the private cluster crashed), `DatabaseHost` suspends the pool:
/// callers fail at once with `.serverDown` and no connection to the dead server is lent again.
///
/// Queries never block a thread: each is sent and then waited for on the event loop the calling task runs
/// on (a request handler's HTTP loop), or on Storage's own loop (see `PostgresConnection`).
public final class Database: Sendable {
    /// Limits and timeouts of the pool and of every session.
    public struct Configuration: Sendable {
        /// Where to connect.
        public var target: ConnectionTarget
        /// Most connections open at once. Default 10.
        public var poolSize: Int = 10
        /// Longest wait for a free connection before `.poolTimeout` (a 503). Default 5 s.
        public var acquireTimeout: Duration = .seconds(5)
        /// Longest wait to open a connection (libpq `connect_timeout`, whole seconds, at least 2). Default 5 s.
        public var connectTimeout: Duration = .seconds(5)
        /// Longest run of one statement (`statement_timeout`) before the server cancels it. Default 30 s.
        public var statementTimeout: Duration = .seconds(30)
        /// A connection idle longer than this has what the server sent meanwhile (a termination notice after
        /// a restart, say) read without blocking before it is lent, so a closed one is replaced instead of
        /// failing a request. Shorter idles skip that read, a system call per query under load. Default 1 s.
        public var closedCheckAfterIdle: Duration = .seconds(1)
        /// A connection idle longer than this is checked with `SELECT 1` before it is lent. Default 30 s.
        public var healthCheckAfterIdle: Duration = .seconds(30)
        /// Attempts of a transaction that fails with a serialisation failure or deadlock. Default 5.
        public var transactionAttempts: Int = 5
        /// First pause between transaction attempts, doubled each time, with jitter. Default 10 ms.
        public var transactionBackoff: Duration = .milliseconds(10)

        /// A configuration with defaults for `target`.
        public init(target: ConnectionTarget) { self.target = target }
    }

    /// The isolation level of a transaction (PostgreSQL §13.2).
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// The configuration the pool was made with.
    public let configuration: Configuration
    private let pool: ConnectionPool
    private let logger: Logger

    /// Creates a pool; connections are opened on demand.
    public init(configuration: Configuration, logger: Logger = Logger(label: "portal.storage")) {
        self.configuration = configuration
        self.pool = ConnectionPool(size: configuration.poolSize, acquireTimeout: configuration.acquireTimeout)
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    ///
    /// A transaction `body` left open is rolled back; a broken connection is dropped from the pool.
    /// - Throws: `DatabaseError` `.poolTimeout` when none is free within `acquireTimeout`,
    ///   `.connectionFailed` when the server cannot be reached, or whatever `body` throws.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (DatabaseConnection) async throws -> T) async throws -> T {
        let raw = try await acquire()
        let value: T
        do {
            value = try await body(DatabaseConnection(raw: raw))
        } catch {
            await giveBack(raw)
            throw error
        }
        await giveBack(raw)
        return value
    }

    /// Runs `body` in a transaction, committed when it returns and rolled back when it throws.
    ///
    /// On a serialisation failure (40001) or deadlock (40P01), the whole transaction is retried up to
    /// `transactionAttempts` times with exponential backoff, so `body` must be safe to run again.
    @discardableResult
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted, _ body: (DatabaseConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await connection.executeScript(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
                    do {
                        let value = try await body(connection)
                        try await connection.executeScript(unsafeSQL: "COMMIT")
                        return value
                    } catch {
                        if !connection.raw.isBroken { try? await connection.executeScript(unsafeSQL: "ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as DatabaseError where error.isTransactionRetryable
                && attempt < configuration.transactionAttempts
            {
                let base = configuration.transactionBackoff * (1 << (attempt - 1))
                let jitter = Double.random(in: 0.5...1.5)
                logger.debug("retrying transaction", metadata: ["db.sqlstate": "\(error.sqlState ?? "")"])
                try await Task.sleep(for: base * jitter)
                attempt += 1
            }
        }
    }

    /// Runs one statement on a pooled connection.
    public func query(_ sql: SQL) async throws -> QueryResult {
        try await withConnection { try await $0.query(sql) }
    }

    /// Runs one statement on a pooled connection and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await withConnection { try await $0.execute(sql) }
    }

    /// Stops lending connections and closes the idle ones; lent ones close when they come back.
    public func close() {
        pool.close()
    }

    /// The server is known to be down (the private cluster crashed): closes the idle connections, fails
    /// callers at once with `.serverDown` instead of letting them try a dead server, and closes lent
    /// connections when they come back, until `resume()`.
    func suspend() {
        pool.suspend()
    }

    /// The server is back: lends connections again, all of them opened anew.
    func resume() {
        pool.resume()
    }

    // MARK: - Lending

    private func acquire() async throws -> PostgresConnection {
        switch try await pool.acquire(on: EventLoop.current) {
        case .connection(let connection):
            if try await isHealthy(connection) { return connection }
            logger.debug("dropping a connection the server closed")
            pool.discard()
            // The server may be back: try once to replace it, failing fast if it is not.
            return try await acquire()
        case .permit:
            return try await open()
        }
    }

    @inline(__always)
    private func isHealthy(_ connection: PostgresConnection) async throws -> Bool {
        // Reads without blocking whatever the server sent while the connection sat idle (a termination
        // notice after a restart, say), so a closed connection is noticed before it is lent.
        let idle = ContinuousClock.now - connection.lastReleased
        guard idle > configuration.closedCheckAfterIdle else { return true }
        return await isHealthy(connection, idle: idle)
    }

    private func isHealthy(_ connection: PostgresConnection, idle: Duration) async -> Bool {
        guard connection.absorbPendingInput() else { return false }
        guard idle > configuration.healthCheckAfterIdle else { return true }
        return (try? await connection.execute("SELECT 1")) != nil
    }

    private func open() async throws -> PostgresConnection {
        let configuration = configuration
        let milliseconds = configuration.statementTimeout.components.seconds * 1000
            + configuration.statementTimeout.components.attoseconds / 1_000_000_000_000_000
        let session = [
            "statement_timeout": String(milliseconds), "TimeZone": "UTC", "DateStyle": "ISO, YMD",
            "IntervalStyle": "iso_8601", "client_encoding": "UTF8",
        ]
        // Read before connecting: a suspension that happens meanwhile makes this connection one to drop.
        let generation = pool.generation
        do {
            let connection = try await PostgresConnection.open(
                target: configuration.target, connectTimeout: configuration.connectTimeout, session: session)
            connection.generation = generation
            return connection
        } catch {
            pool.discard()
            logger.debug("could not open a database connection")
            throw error
        }
    }

    @inline(__always)
    private func giveBack(_ connection: PostgresConnection) async {
        if !connection.isBroken, connection.isInTransaction {
            try? await DatabaseConnection(raw: connection).executeScript(unsafeSQL: "ROLLBACK")
        }
        putBack(connection)
    }

    private func putBack(_ connection: PostgresConnection) {
        if connection.isBroken || connection.isBusy || connection.isInTransaction {
            pool.discard()
        } else {
            pool.release(connection)
        }
    }
}
