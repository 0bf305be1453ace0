import EventLoops
import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

/// Queries from tasks that run on event loops (as request handlers do): each is sent and waited for on the
/// task's own loop, a pooled connection (pool of one) moves between loops at every query, an idle connection
/// already watched on the caller's loop is lent first, large bodies go through libpq's non-blocking buffers
/// both ways, and loops still exit at shutdown although pooled sockets stay registered on them.
@Suite(.timeLimit(.minutes(3)))
struct EventLoopQueryTests {
    /// Two running loops, stopped (and awaited) when `body` returns.
    private func withLoops(_ count: Int, _ body: ([EventLoop]) async throws -> Void) async throws {
        let exited = Atomic<Int>(0)
        let loops = (0..<count).map { index in
            let loop = EventLoop()
            loop.start(name: "test-loop-\(index)") { exited.add(1, ordering: .relaxed) }
            return loop
        }
        do { try await body(loops) } catch {
            loops.forEach { $0.stop() }
            throw error
        }
        loops.forEach { $0.stop() }
        let deadline = ContinuousClock.now + .seconds(10)
        while exited.load(ordering: .relaxed) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        // A pooled connection's socket stays registered on the last loop it waited on, without keeping
        // that loop alive once it is told to stop.
        #expect(exited.load(ordering: .relaxed) == count, "an event loop did not exit after stop()")
    }

    @Test func oneConnectionMovesBetweenLoopsAndEachAnswerArrivesOnTheAskingLoop() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.poolSize = 1 }
        defer { test.database.close() }
        try await withLoops(2) { loops in
            for round in 0..<200 {
                let loop = loops[round % 2]
                let answer = try await withTaskExecutorPreference(loop) {
                    let value = try await test.database.query("SELECT \(Int32(round)) + 1").first?.decode(Int.self, at: 0)
                    // The task carries on on its own loop's thread, where the answer was waited for.
                    #expect(EventLoop.current === loop)
                    return value
                }
                #expect(answer == round + 1)
            }
            // And from a task on no loop (Storage's own loop waits for it) right after.
            #expect(try await test.database.query("SELECT 7").first?.decode(Int.self, at: 0) == 7)
        }
    }

    @Test func anIdleConnectionAlreadyWatchedOnTheCallersLoopIsLentFirst() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.poolSize = 2 }
        defer { test.database.close() }
        try await withLoops(2) { loops in
            // One connection per loop, both held at once so the pool opens two; loop 1's comes back last.
            let holding = HeldCount()
            let pids = try await withThrowingTaskGroup(of: (Int, Int32).self) { group in
                for index in 0..<2 {
                    group.addTask(executorPreference: loops[index]) {
                        try await test.database.withConnection { connection in
                            let pid = try await connection.query("SELECT pg_backend_pid()").first?.decode(Int32.self, at: 0)
                            holding.value.add(1, ordering: .relaxed)
                            while holding.value.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(5)) }
                            if index == 1 { try await Task.sleep(for: .milliseconds(50)) }
                            return (index, try #require(pid))
                        }
                    }
                }
                var pids: [Int: Int32] = [:]
                for try await (index, pid) in group { pids[index] = pid }
                return pids
            }
            #expect(pids[0] != pids[1])
            // The most recently returned connection is loop 1's, yet loop 0 gets its own back, and so on.
            for round in 0..<6 {
                let index = round % 2
                let pid = try await withTaskExecutorPreference(loops[index]) {
                    try await test.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self, at: 0)
                }
                #expect(pid == pids[index], "round \(round): the connection of the other loop was lent")
            }
        }
    }

    @Test func aLoopToldToStopFinishesTheQueryInFlightFirst() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.poolSize = 1 }
        defer { test.database.close() }
        let exited = HeldCount()
        let loop = EventLoop()
        loop.start(name: "test-stopping-loop") { exited.value.add(1, ordering: .relaxed) }
        // Stopped while the query waits for its answer on the loop: the pooled socket's watch alone does not
        // keep a loop alive, but a task suspended in it does, or it would never be resumed.
        let stopper = Task.detached {
            try await Task.sleep(for: .milliseconds(200))
            loop.stop()
        }
        let answer = try await withTaskExecutorPreference(loop) {
            try await test.database.query("SELECT pg_sleep(0.6), 42").first?.decode(Int.self, at: 1)
        }
        try await stopper.value
        #expect(answer == 42)
        let deadline = ContinuousClock.now + .seconds(10)
        while exited.value.load(ordering: .relaxed) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(exited.value.load(ordering: .relaxed) == 1, "the loop did not exit once the query was answered")
    }

    @Test func manyTasksOnTwoLoopsShareASmallPool() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase { $0.poolSize = 3 }
        defer { test.database.close() }
        try await withLoops(2) { loops in
            let sum = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<40 {
                    group.addTask(executorPreference: loops[task % 2]) {
                        var total = 0
                        for step in 0..<25 {
                            let value = Int32(task * 100 + step)
                            total += try #require(
                                try await test.database.query("SELECT \(value)::int8").first?.decode(Int.self, at: 0))
                        }
                        return total
                    }
                }
                return try await group.reduce(0, +)
            }
            let expected = (0..<40).reduce(0) { total, task in total + (0..<25).reduce(0) { $0 + task * 100 + $1 } }
            #expect(sum == expected)
        }
    }

    @Test func largeCopyAndLargeResultsCrossTheNonBlockingBuffers() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        try await test.database.execute("CREATE TABLE blobs_text (id int PRIMARY KEY, body text NOT NULL)")
        // 2,000 rows of 8 KiB: 16 MiB of COPY data, far more than a socket buffer, so libpq's queue fills
        // and the copy waits for the socket to drain.
        let body = String(repeating: "abcdefgh", count: 1024)
        try await withLoops(1) { loops in
            try await withTaskExecutorPreference(loops[0]) {
                let copied = try await test.database.withConnection { connection in
                    try await connection.copy(
                        into: "blobs_text", columns: ["id", "body"],
                        rows: (1...2000).map { [SQLBinding(Int32($0)), SQLBinding(body)] })
                }
                #expect(copied == 2000)
                // A 16 MiB answer arrives in many reads, each after a wait on the loop.
                let rows = try await test.database.query("SELECT id, body FROM blobs_text ORDER BY id")
                #expect(rows.count == 2000)
                #expect(try rows.last?.decode(Int.self, at: 0) == 2000)
                #expect(try rows.first?.decode(String.self, at: 1) == body)
                // A 4 MiB parameter goes out the same way.
                let big = String(repeating: "z", count: 4 << 20)
                let length = try await test.database.query("SELECT length(\(big))").first?.decode(Int.self, at: 0)
                #expect(length == 4 << 20)
            }
        }
    }
}

/// How many tasks hold a connection at once.
private final class HeldCount: Sendable {
    let value = Atomic<Int>(0)
}
