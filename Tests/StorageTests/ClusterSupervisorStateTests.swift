import Testing

@testable import Storage

/// The supervisor's transitions, without a server: events in, actions out.
struct ClusterSupervisorStateTests {
    typealias State = ClusterSupervisorState

    static func make(
        attempts: Int = 3, initial: Duration = .seconds(1), maximum: Duration = .seconds(30),
        stable: Duration = .seconds(60)
    ) -> ClusterSupervisorState {
        var configuration = ClusterSupervisor.Configuration()
        configuration.restartAttempts = attempts
        configuration.initialBackoff = initial
        configuration.maximumBackoff = maximum
        configuration.stableUptime = stable
        return ClusterSupervisorState(configuration: configuration)
    }

    @Test func aCrashIsRestartedAfterTheInitialBackoffAndResumesTheServer() {
        var machine = Self.make()
        #expect(machine.state == .running(restartsSinceStable: 0))
        #expect(machine.serverExited(uptime: .seconds(600)) == .restart(attempt: 1, after: .seconds(1)))
        #expect(machine.state == .restarting(attempt: 1, backoff: .seconds(1)))
        #expect(machine.restartSucceeded() == .resume(attempt: 1))
        #expect(machine.state == .running(restartsSinceStable: 1))
    }

    @Test func failedRestartsBackOffExponentiallyThenGiveUp() {
        var machine = Self.make(attempts: 3)
        #expect(machine.serverExited(uptime: .seconds(600)) == .restart(attempt: 1, after: .seconds(1)))
        #expect(machine.restartFailed() == .restart(attempt: 2, after: .seconds(2)))
        #expect(machine.restartFailed() == .restart(attempt: 3, after: .seconds(4)))
        #expect(machine.restartFailed() == .giveUp(attempts: 3))
        #expect(machine.state == .gaveUp(attempts: 3))
        // Nothing brings a machine that gave up back.
        #expect(machine.restartSucceeded() == .none)
        #expect(machine.restartFailed() == .none)
        #expect(machine.serverExited(uptime: .seconds(1)) == .none)
    }

    @Test func zeroAttemptsGivesUpAtTheFirstCrash() {
        var machine = Self.make(attempts: 0)
        #expect(machine.serverExited(uptime: .seconds(600)) == .giveUp(attempts: 0))
        #expect(machine.state == .gaveUp(attempts: 0))
    }

    @Test func aServerThatCrashesSoonAfterARestartCountsAsAFailedAttempt() {
        var machine = Self.make(attempts: 2, stable: .seconds(60))
        _ = machine.serverExited(uptime: .seconds(600))
        #expect(machine.restartSucceeded() == .resume(attempt: 1))
        // Up for 5 s only: a crash loop, not a new crash.
        #expect(machine.serverExited(uptime: .seconds(5)) == .restart(attempt: 2, after: .seconds(2)))
        #expect(machine.restartSucceeded() == .resume(attempt: 2))
        #expect(machine.serverExited(uptime: .seconds(5)) == .giveUp(attempts: 2))
    }

    @Test func aServerThatStayedUpStartsCountingAgain() {
        var machine = Self.make(attempts: 2, stable: .seconds(60))
        _ = machine.serverExited(uptime: .seconds(600))
        _ = machine.restartFailed()
        #expect(machine.restartSucceeded() == .resume(attempt: 2))
        #expect(machine.serverExited(uptime: .seconds(60)) == .restart(attempt: 1, after: .seconds(1)))
    }

    @Test func backoffIsCappedAtTheMaximum() {
        var machine = Self.make(attempts: 10, initial: .milliseconds(500), maximum: .seconds(3))
        var backoffs: [Duration] = []
        var action = machine.serverExited(uptime: .seconds(600))
        while case .restart(_, let backoff) = action {
            backoffs.append(backoff)
            action = machine.restartFailed()
        }
        #expect(backoffs == [.milliseconds(500), .seconds(1), .seconds(2)] + Array(repeating: .seconds(3), count: 7))
        #expect(action == .giveUp(attempts: 10))
    }

    @Test func eventsOutOfPlaceChangeNothing() {
        var machine = Self.make()
        // No restart is under way while the server runs.
        #expect(machine.restartSucceeded() == .none)
        #expect(machine.restartFailed() == .none)
        #expect(machine.state == .running(restartsSinceStable: 0))
        // A second exit report while restarting (the old process) does not start a second attempt.
        _ = machine.serverExited(uptime: .seconds(600))
        #expect(machine.serverExited(uptime: .zero) == .none)
        #expect(machine.state == .restarting(attempt: 1, backoff: .seconds(1)))
    }
}
