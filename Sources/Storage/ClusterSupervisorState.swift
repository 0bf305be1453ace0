/// The supervision of the private cluster as a value: events in, actions out, no I/O (like
/// `ConnectionPoolState`), so every transition is tested without a server.
///
/// As PostgreSQL's postmaster restarts its backends after one crashes, the portal restarts the postmaster
/// after it dies, rather than dying with it:
///
/// ```
/// running ──server exited (crashed)──▶ restarting(attempt 1, backoff) ──started──▶ running
///                                         │   ▲
///                                 failed  └───┘ restarting(attempt + 1, backoff × 2, at most the maximum)
///                                         │
///                                         └── failed and attempt == restartAttempts ──▶ gave up
/// ```
/// A restart that came up but died again before running `stableUptime` counts as failed too, so a
/// server that crashes in a loop ends in "gave up" rather than restarting forever. Once the server has
/// run `stableUptime`, a later crash starts again from attempt 1. The owner stops supervising (cancels
/// its task) before it stops the server, so a requested stop is never taken for a crash.
struct ClusterSupervisorState: Sendable, Equatable {
    /// Where supervision is.
    enum State: Sendable, Equatable {
        /// The server runs. `restartsSinceStable` counts the restarts since it last ran `stableUptime`
        /// (0 at first start): a crash before that makes the next restart count as one more attempt.
        case running(restartsSinceStable: Int)
        /// The server is down: waiting `backoff`, then trying to start it, for the `attempt`-th time.
        case restarting(attempt: Int, backoff: Duration)
        /// `attempts` restarts failed in a row: the server stays down and the owner stops.
        case gaveUp(attempts: Int)
    }

    /// What the owner must do after an event.
    enum Action: Sendable, Equatable {
        /// The server is down: refuse database work at once (suspend the pool), wait `backoff`, then
        /// start the server (attempt number `attempt`) and report how that went.
        case restart(attempt: Int, after: Duration)
        /// The server is back after `attempt` attempts: lend connections again.
        case resume(attempt: Int)
        /// Stop: the server could not be brought back after `attempts` restarts.
        case giveUp(attempts: Int)
        /// Nothing to do.
        case none
    }

    let configuration: ClusterSupervisor.Configuration
    private(set) var state: State = .running(restartsSinceStable: 0)

    /// Supervision of a server that has just started.
    init(configuration: ClusterSupervisor.Configuration) {
        self.configuration = configuration
    }

    /// The server exited without being asked to.
    /// - Parameter uptime: How long it had been running since it (re)started.
    mutating func serverExited(uptime: Duration) -> Action {
        guard case .running(let restarts) = state else { return .none }
        let failedSoFar = uptime >= configuration.stableUptime ? 0 : restarts
        return scheduleAttempt(failedSoFar + 1)
    }

    /// A restart attempt brought the server up, accepting connections.
    mutating func restartSucceeded() -> Action {
        guard case .restarting(let attempt, _) = state else { return .none }
        state = .running(restartsSinceStable: attempt)
        return .resume(attempt: attempt)
    }

    /// A restart attempt failed (the server did not start, or did not become ready in time).
    mutating func restartFailed() -> Action {
        guard case .restarting(let attempt, _) = state else { return .none }
        return scheduleAttempt(attempt + 1)
    }

    /// Restarts for the `attempt`-th time, or gives up when the attempts are spent.
    private mutating func scheduleAttempt(_ attempt: Int) -> Action {
        guard attempt <= configuration.restartAttempts else {
            state = .gaveUp(attempts: attempt - 1)
            return .giveUp(attempts: attempt - 1)
        }
        let backoff = configuration.backoff(beforeAttempt: attempt)
        state = .restarting(attempt: attempt, backoff: backoff)
        return .restart(attempt: attempt, after: backoff)
    }
}

extension ClusterSupervisor.Configuration {
    /// The wait before restart attempt `attempt` (from 1): `initialBackoff` doubled after each failed
    /// attempt, at most `maximumBackoff`.
    func backoff(beforeAttempt attempt: Int) -> Duration {
        var backoff = initialBackoff
        for _ in 1..<max(1, attempt) {
            backoff *= 2
            if backoff >= maximumBackoff { return maximumBackoff }
        }
        return min(backoff, maximumBackoff)
    }
}
