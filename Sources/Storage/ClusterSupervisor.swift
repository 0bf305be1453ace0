public import Foundation

/// Keeps the private cluster running while the portal serves: when PostgreSQL dies, the pool is suspended
/// (requests fail at once with `.serverDown`, no connection to the dead server is lent again) and the
/// server is restarted with crash recovery and backoff, as `ClusterSupervisorState` decides, until it is
/// back or the attempts are spent.
///
/// Run by `DatabaseHost.run(reporting:)`; reports what happens through `Event`s, which `Portal` logs
/// (Storage logs at debug only).
public struct ClusterSupervisor: Sendable {
    /// How hard to try.
    public struct Configuration: Sendable, Equatable {
        /// Restart attempts in a row before giving up; 0 gives up at the first crash. Default 5.
        public var restartAttempts: Int = 5
        /// Wait before the first restart attempt, doubled after each failed one. Default 1 s.
        public var initialBackoff: Duration = .seconds(1)
        /// Longest wait between two attempts. Default 30 s.
        public var maximumBackoff: Duration = .seconds(30)
        /// A restarted server that has run this long is well again: a later crash starts counting attempts
        /// from 1. Before that, its crash counts as a failed attempt. Default 60 s.
        public var stableUptime: Duration = .seconds(60)

        /// The defaults.
        public init() {}
    }

    /// What happened to the private cluster, for the portal's log.
    public enum Event: Sendable {
        /// PostgreSQL exited on its own with `exitStatus` (the number of the signal that killed it, if one
        /// did); database work is refused until it is back.
        case crashed(exitStatus: Int32)
        /// Restart attempt `attempt` (of `configuration.restartAttempts`) begins after `after`.
        case restarting(attempt: Int, after: Duration)
        /// Restart attempt `attempt` failed.
        case restartFailed(attempt: Int, error: DatabaseError)
        /// PostgreSQL is back after `attempt` attempts and connections are lent again.
        case restarted(attempt: Int)
        /// `attempts` restarts failed: the server stays down. `log` is PostgreSQL's own log.
        case gaveUp(attempts: Int, log: URL)
    }

    let cluster: EmbeddedPostgres
    let database: Database
    let configuration: Configuration

    /// Watches the server until the task is cancelled (returns) or the attempts are spent (throws).
    ///
    /// Stopping the cluster is left to the caller, who closes its pool first.
    /// - Throws: `DatabaseError` `.embeddedCluster` after giving up.
    func run(reporting report: @Sendable (Event) -> Void) async throws {
        var machine = ClusterSupervisorState(configuration: configuration)
        var startedAt = ContinuousClock.now
        while true {
            guard let status = await cluster.waitForExit(), !Task.isCancelled else { return }
            database.suspend()
            report(.crashed(exitStatus: status))
            var action = machine.serverExited(uptime: ContinuousClock.now - startedAt)
            while true {
                switch action {
                case .restart(let attempt, let backoff):
                    report(.restarting(attempt: attempt, after: backoff))
                    do {
                        try await Task.sleep(for: backoff)
                        try await cluster.start()
                        startedAt = ContinuousClock.now
                        action = machine.restartSucceeded()
                    } catch {
                        if Task.isCancelled { return }  // shutting down: the caller stops what started
                        let failure = error as? DatabaseError ?? DatabaseError(code: .embeddedCluster)
                        report(.restartFailed(attempt: attempt, error: failure))
                        action = machine.restartFailed()
                    }
                case .resume(let attempt):
                    database.resume()
                    report(.restarted(attempt: attempt))
                    action = .none
                case .giveUp(let attempts):
                    report(.gaveUp(attempts: attempts, log: cluster.logFile))
                    throw DatabaseError(
                        code: .embeddedCluster,
                        context: "PostgreSQL could not be restarted after \(attempts) attempt(s); "
                            + "see \(cluster.logFile.path)")
                case .none:
                    break
                }
                if action == .none { break }
            }
        }
    }
}
