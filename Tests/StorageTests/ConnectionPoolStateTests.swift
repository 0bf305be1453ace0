import Testing

@testable import Storage

/// The pool's transitions, without a server: events in, actions out.
struct ConnectionPoolStateTests {
    typealias State = ConnectionPoolState<String, String>

    private func isPermit(_ action: State.AcquireAction) -> Bool {
        if case .lease(.permit) = action { return true }
        return false
    }

    @Test func opensUpToSizeThenQueuesCallers() {
        var state = State(size: 2)
        #expect(isPermit(state.acquire(id: 1, waiter: "a")))
        #expect(isPermit(state.acquire(id: 2, waiter: "b")))
        guard case .wait = state.acquire(id: 3, waiter: "c") else { Issue.record("third caller not queued"); return }
        #expect(state.openCount == 2)
        #expect(state.waiterCount == 1)
    }

    @Test func acquiringWithoutWaitingNeverQueuesNorOvertakesAWaiter() {
        var state = State(size: 1)
        let first = state.acquireWithoutWaiting()
        #expect(first.map(isPermit) == true)
        let second = state.acquireWithoutWaiting()
        #expect(second == nil)
        #expect(state.waiterCount == 0)
        _ = state.acquire(id: 1, waiter: "a")
        // The connection comes back to the waiter, not to the idle list a fast caller could take it from.
        guard case .resume("a", .connection("conn")) = state.release("conn", openedIn: 0) else {
            Issue.record("the waiter did not get the connection"); return
        }
        let whileLent = state.acquireWithoutWaiting()
        #expect(whileLent == nil)
        _ = state.release("conn", openedIn: 0)
        guard case .lease(.connection("conn")) = state.acquireWithoutWaiting() else {
            Issue.record("idle connection not lent"); return
        }
        _ = state.close()
        guard case .failClosed = state.acquireWithoutWaiting() else { Issue.record("closed pool lent"); return }
    }

    @Test func aPreferredIdleConnectionIsLentFirstElseTheLastReturned() {
        var state = State(size: 3)
        for _ in 0..<3 { _ = state.acquireWithoutWaiting() }
        for connection in ["loop1-a", "loop2-a", "loop1-b"] { _ = state.release(connection, openedIn: 0) }
        // A caller on loop 2 gets loop 2's connection although two were returned after it.
        guard case .lease(.connection("loop2-a")) = state.acquireWithoutWaiting(preferring: { $0.hasPrefix("loop2") })
        else { Issue.record("the preferred connection was not lent"); return }
        // Among several preferred, the most recently returned; with none preferred, the last returned.
        guard case .lease(.connection("loop1-b")) = state.acquireWithoutWaiting(preferring: { $0.hasPrefix("loop1") })
        else { Issue.record("the most recent preferred connection was not lent"); return }
        guard case .lease(.connection("loop1-a")) = state.acquireWithoutWaiting(preferring: { $0.hasPrefix("loop3") })
        else { Issue.record("an idle connection was not lent when none is preferred"); return }
        #expect(state.idle.isEmpty)
        #expect(state.acquireWithoutWaiting(preferring: { _ in true }) == nil)
    }

    @Test func releasedConnectionGoesToTheLongestWaiterElseIdle() {
        var state = State(size: 1)
        _ = state.acquire(id: 1, waiter: "a")
        _ = state.acquire(id: 2, waiter: "b")
        _ = state.acquire(id: 3, waiter: "c")
        guard case .resume("b", .connection("conn")) = state.release("conn", openedIn: 0) else {
            Issue.record("the first waiter did not get the connection"); return
        }
        guard case .resume("c", .connection("conn")) = state.release("conn", openedIn: 0) else {
            Issue.record("the second waiter did not get the connection"); return
        }
        guard case .none = state.release("conn", openedIn: 0) else { Issue.record("nobody should be resumed"); return }
        #expect(state.idle == ["conn"])
        guard case .lease(.connection("conn")) = state.acquire(id: 4, waiter: "d") else {
            Issue.record("idle connection not lent"); return
        }
    }

    @Test func discardedSlotBecomesAPermitForAWaiterOrFreesTheSlot() {
        var state = State(size: 1)
        _ = state.acquire(id: 1, waiter: "a")
        _ = state.acquire(id: 2, waiter: "b")
        guard case .resume("b", .permit) = state.discard() else { Issue.record("waiter did not inherit"); return }
        #expect(state.openCount == 1)
        guard case .none = state.discard() else { Issue.record("nobody waits"); return }
        #expect(state.openCount == 0)
        #expect(isPermit(state.acquire(id: 3, waiter: "c")))
    }

    @Test func timedOutWaiterIsRemovedOnce() {
        var state = State(size: 1)
        _ = state.acquire(id: 1, waiter: "a")
        _ = state.acquire(id: 2, waiter: "b")
        #expect(state.abandon(id: 2) == "b")
        #expect(state.abandon(id: 2) == nil)
        guard case .none = state.release("conn", openedIn: 0) else { Issue.record("abandoned waiter was resumed"); return }
    }

    @Test func closingFailsWaitersDropsIdleAndRefusesNewCallers() {
        var state = State(size: 2)
        _ = state.acquire(id: 1, waiter: "a")
        _ = state.acquire(id: 2, waiter: "b")
        _ = state.release("idle", openedIn: 0)
        _ = state.acquire(id: 3, waiter: "c")  // takes the idle one
        _ = state.acquire(id: 4, waiter: "d")  // queued
        let (idle, waiters) = state.close()
        #expect(idle.isEmpty)
        #expect(waiters == ["d"])
        guard case .failClosed = state.acquire(id: 5, waiter: "e") else { Issue.record("closed pool lent"); return }
        _ = state.release("conn", openedIn: 0)
        #expect(state.openCount == 1)
        #expect(state.idle.isEmpty)
    }

    @Test func suspendingDropsIdleFailsWaitersAndRefusesCallersUntilResumed() {
        var state = State(size: 2)
        _ = state.acquire(id: 1, waiter: "a")
        _ = state.acquire(id: 2, waiter: "b")
        _ = state.release("idle", openedIn: 0)
        _ = state.acquireWithoutWaiting()  // lends "idle" again: both slots are lent now
        _ = state.acquire(id: 3, waiter: "c")  // queued
        let (idle, waiters) = state.suspend()
        #expect(idle.isEmpty)
        #expect(waiters == ["c"])
        #expect(state.waiterCount == 0)
        guard case .failSuspended = state.acquire(id: 4, waiter: "d") else {
            Issue.record("a suspended pool queued a caller"); return
        }
        #expect(state.acquireWithoutWaiting().map { if case .failSuspended = $0 { true } else { false } } == true)
        #expect(state.openCount == 2)
        state.resume()
        #expect(state.acquireWithoutWaiting() == nil)  // both slots still lent to the dead server
    }

    @Test func connectionsOpenedBeforeASuspensionAreDroppedWhenTheyComeBack() {
        var state = State(size: 2)
        _ = state.acquireWithoutWaiting()
        _ = state.acquireWithoutWaiting()
        _ = state.release("idle-old", openedIn: 0)
        let (idle, _) = state.suspend()
        #expect(idle == ["idle-old"])
        #expect(state.openCount == 1)
        #expect(state.generation == 1)
        state.resume()
        // The lent one comes back after the server restarted: its slot is freed, it is never lent again.
        guard case .none = state.release("lent-old", openedIn: 0) else { Issue.record("nobody waits"); return }
        #expect(state.openCount == 0)
        #expect(state.idle.isEmpty)
        // A caller queued meanwhile inherits the slot as a permit when an old connection comes back.
        _ = state.acquireWithoutWaiting()
        _ = state.acquireWithoutWaiting()
        _ = state.acquire(id: 1, waiter: "w")
        let (_, failed) = state.suspend()
        #expect(failed == ["w"])
        state.resume()
        _ = state.acquire(id: 2, waiter: "x")
        guard case .resume("x", .permit) = state.release("older", openedIn: 1) else {
            Issue.record("the waiter did not inherit the freed slot"); return
        }
        _ = state.acquire(id: 3, waiter: "y")
        guard case .resume("y", .connection("new")) = state.release("new", openedIn: 2) else {
            Issue.record("a connection of the current generation was not handed on"); return
        }
    }
}
