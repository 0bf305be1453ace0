import Foundation
import Storage
import TestSupport
import Testing

/// The pool's limits, transactions and error mapping against a real server.
@Suite(.timeLimit(.minutes(3)))
struct PoolTests {
    @Test func exhaustedPoolFailsAsUnavailableAfterTheAcquireTimeout() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { configuration in
            configuration.poolSize = 2
            configuration.acquireTimeout = .milliseconds(300)
        }
        defer { test.database.close() }
        let holding = Gate(count: 2)
        let release = Gate(count: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await test.database.withConnection { connection in
                        try await connection.execute("SELECT 1")
                        await holding.arrive()
                        await release.wait()
                    }
                }
            }
            await holding.wait()
            let clock = ContinuousClock()
            let start = clock.now
            let error = try await #require(throws: DatabaseError.self) {
                try await test.database.query("SELECT 1")
            }
            let waited = clock.now - start
            #expect(error.code == .poolTimeout)
            #expect(error.isUnavailable)
            #expect(waited >= .milliseconds(250))
            #expect(waited < .seconds(10))
            await release.arrive()
            try await group.waitForAll()
        }
        // Both connections came back and serve again.
        #expect(try await test.database.query("SELECT 7").first?.decode(Int.self, at: 0) == 7)
    }

    @Test func statementTimeoutCancelsAndCountsAsUnavailable() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.statementTimeout = .milliseconds(200) }
        defer { test.database.close() }
        let error = try await #require(throws: DatabaseError.self) {
            try await test.database.query("SELECT pg_sleep(5)")
        }
        #expect(error.sqlState == DatabaseError.SQLState.queryCanceled)
        #expect(error.isUnavailable)
        #expect(try await test.database.query("SELECT 1").count == 1)
    }

    @Test func uniqueViolationNamesTheConstraintButNoValue() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        try await test.database.execute("CREATE TABLE people (email text CONSTRAINT people_email_key UNIQUE)")
        try await test.database.execute("INSERT INTO people VALUES (\("alice@example.org"))")
        let error = try await #require(throws: DatabaseError.self) {
            try await test.database.execute("INSERT INTO people VALUES (\("alice@example.org"))")
        }
        #expect(error.sqlState == DatabaseError.SQLState.uniqueViolation)
        #expect(error.constraint == "people_email_key")
        #expect(!error.isUnavailable)
        #expect(!String(describing: error).contains("alice"))
    }

    @Test func transactionCommitsOnReturnAndRollsBackOnThrow() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        try await test.database.execute("CREATE TABLE t (v int)")
        try await test.database.withTransaction { try await $0.execute("INSERT INTO t VALUES (1)") }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await test.database.withTransaction { connection in
                try await connection.execute("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        let values = try await test.database.query("SELECT v FROM t ORDER BY v").map { try $0.decode(Int.self, at: 0) }
        #expect(values == [1])
    }

    @Test func serialisationFailuresAreRetriedUntilBothTransactionsCommit() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.transactionAttempts = 10 }
        defer { test.database.close() }
        try await test.database.execute("CREATE TABLE ledger (k int, v int)")
        try await test.database.execute("INSERT INTO ledger VALUES (1, 1), (2, 1)")
        let bothRead = Gate(count: 2)
        let attempts = Counter()
        // Classic write skew: each reads the other's key and writes its own. Under SERIALIZABLE one of the
        // first attempts must fail with 40001; the retry then sees the other's commit.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (mine, theirs) in [(1, 2), (2, 1)] {
                group.addTask {
                    try await test.database.withTransaction(isolation: .serializable) { connection in
                        let attempt = await attempts.increment()
                        _ = try await connection.query("SELECT sum(v) FROM ledger WHERE k = \(theirs)")
                        if attempt <= 2 {
                            await bothRead.arrive()
                            await bothRead.wait()
                        }
                        try await connection.execute("INSERT INTO ledger VALUES (\(mine), 1)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await attempts.value >= 3)
        #expect(try await test.database.query("SELECT count(*) FROM ledger").first?.decode(Int.self, at: 0) == 4)
    }

    @Test func preparedStatementsRunOnEveryPooledConnection() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.poolSize = 3 }
        defer { test.database.close() }
        try await test.database.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
        try await test.database.withConnection { connection in
            try await connection.copy(
                into: "items", columns: ["id", "name"],
                rows: (1...500).map { [SQLBinding(Int32($0)), SQLBinding("item \($0)")] })
        }
        let lookup = PreparedStatement(
            name: "items_by_id", unsafeSQL: "SELECT name FROM items WHERE id = $1", parameterTypes: [.int4])
        try await withThrowingTaskGroup(of: String.self) { group in
            for id in 1...60 {
                group.addTask {
                    try await test.database.withConnection { connection in
                        try #require(try await connection.query(lookup, [SQLBinding(Int32(id))]).first)
                            .decode(String.self, at: 0)
                    }
                }
            }
            var names: Set<String> = []
            for try await name in group { names.insert(name) }
            #expect(names.count == 60)
            #expect(names.contains("item 60"))
        }
    }

    /// Whether a later attempt may succeed: the classification Portal maps to 503 (see its
    /// `StorageProblemsTests` for the statuses themselves).
    @Test(arguments: [
        (DatabaseError(code: .connectionFailed), true), (DatabaseError(code: .serverDown), true),
        (DatabaseError(code: .poolTimeout), true), (DatabaseError(code: .poolClosed), true),
        (DatabaseError(code: .server, sqlState: "57P01"), true), (DatabaseError(code: .server, sqlState: "53300"), true),
        (DatabaseError(code: .server, sqlState: "40001"), true), (DatabaseError(code: .server, sqlState: "23503"), false),
        (DatabaseError(code: .server, sqlState: "23514"), false), (DatabaseError(code: .server, sqlState: "42601"), false),
        (DatabaseError(code: .decoding), false), (DatabaseError(code: .invalidParameter), false),
    ])
    func unavailabilityOfErrorClasses(error: DatabaseError, isUnavailable: Bool) {
        #expect(error.isUnavailable == isUnavailable)
    }
}

/// Lets tasks wait until `count` arrivals have happened (a one-shot barrier).
actor Gate {
    private var remaining: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { remaining = count }

    func arrive() {
        remaining -= 1
        if remaining <= 0 {
            waiters.forEach { $0.resume() }
            waiters.removeAll()
        }
    }

    func wait() async {
        if remaining <= 0 { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

/// A shared counter for tasks.
actor Counter {
    private(set) var value = 0

    func increment() -> Int {
        value += 1
        return value
    }
}
