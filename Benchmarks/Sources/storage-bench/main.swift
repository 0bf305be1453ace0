// Indexed single-row lookups through our Storage pool, the counterpart of `pgbench -S` (select-only).
//
// N concurrent tasks share a pool of N connections and, for the given time, each looks up a random row of
// pgbench_accounts by its primary key with a bound parameter and decodes the value. The tasks run on
// L event loops (`--loops`, as many as pgbench's `-j` threads), the way the portal's request handlers run
// on its HTTP loops, so each query is sent and answered on its loop's thread:
//   SELECT abalance FROM pgbench_accounts WHERE aid = $1
// once as a prepared statement (against `pgbench -S -M prepared`) and once as a plain query with bound
// parameters (extended protocol, unnamed statement).
//
// Usage: storage-bench --url LIBPQ_URI --clients N --loops L --duration SECONDS --rows R [--only prepared]
// Prints: RESULT tps=<prepared> tps_params=<plain> queries=<prepared count>

import EventLoops
import Foundation
import Storage

/// A failure with a message for the runner's log.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// Parsed command-line options.
struct Options {
    var url = ""
    var clients = 8
    var loops = 1
    var duration = 10
    var rows = 1_000_000
    /// Whether the plain-parameters run follows the prepared one (`--only prepared` skips it, for profiling).
    var runsParameters = true

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw BenchError(description: "\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--clients": clients = Int(value) ?? 0
            case "--loops": loops = Int(value) ?? 0
            case "--duration": duration = Int(value) ?? 0
            case "--rows": rows = Int(value) ?? 0
            case "--only" where value == "prepared": runsParameters = false
            default: throw BenchError(description: "unknown option \(flag)")
            }
        }
        guard !url.isEmpty, clients > 0, loops > 0, duration > 0, rows > 0 else {
            throw BenchError(description: "usage: storage-bench --url URI --clients N --loops L --duration S --rows R")
        }
    }
}

/// How one lookup is sent.
enum Mode {
    case prepared
    case parameters
}

/// The lookup pgbench -S runs, as a named prepared statement.
let lookup = PreparedStatement(
    name: "bench_account_balance", unsafeSQL: "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
    parameterTypes: [.int4])

/// Looks up one account and checks a row came back.
func lookUp(_ database: Database, aid: Int32, mode: Mode) async throws {
    let rows =
        switch mode {
        case .prepared:
            try await database.withConnection { try await $0.query(lookup, [SQLBinding(aid)]) }
        case .parameters:
            try await database.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")
        }
    guard let row = rows.first else { throw BenchError(description: "no account \(aid)") }
    _ = try row.decode(Int32.self, at: 0)
}

/// Runs `clients` tasks for `seconds` and returns the lookups per second.
func measure(_ database: Database, loops: [EventLoop], options: Options, mode: Mode) async throws
    -> (perSecond: Double, count: Int)
{
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + .seconds(options.duration)
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for client in 0..<options.clients {
            group.addTask(executorPreference: loops[client % loops.count]) {
                var generator = SplitMix64(seed: UInt64(client + 1) &* 0x9E37_79B9)
                var count = 0
                while clock.now < deadline {
                    let aid = Int32(1 + Int(generator.next() % UInt64(options.rows)))
                    try await lookUp(database, aid: aid, mode: mode)
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(total) / seconds, total)
}

/// A small, fast generator so the random numbers cost nothing next to a round trip.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

do {
    let options = try Options(CommandLine.arguments)
    var configuration = Database.Configuration(target: ConnectionTarget(connectionString: options.url))
    configuration.poolSize = options.clients
    configuration.acquireTimeout = .seconds(30)
    let database = Database(configuration: configuration)
    let loops = (0..<options.loops).map { index in
        let loop = EventLoop()
        loop.start(name: "bench-loop-\(index)")
        return loop
    }
    // Open every connection and prepare the statement on each before the clock starts, as pgbench does.
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<options.clients {
            group.addTask { try await lookUp(database, aid: 1, mode: .prepared) }
        }
        try await group.waitForAll()
    }
    let prepared = try await measure(database, loops: loops, options: options, mode: .prepared)
    let parameters =
        options.runsParameters
        ? try await measure(database, loops: loops, options: options, mode: .parameters) : (perSecond: 0, count: 0)
    database.close()
    loops.forEach { $0.stop() }
    print(
        "RESULT tps=\(String(format: "%.1f", prepared.perSecond)) "
            + "tps_params=\(String(format: "%.1f", parameters.perSecond)) queries=\(prepared.count)")
} catch {
    FileHandle.standardError.write(Data("storage-bench: \(error)\n".utf8))
    exit(1)
}
