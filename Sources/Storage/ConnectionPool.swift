import Dispatch
import Synchronization

/// The bounded pool behind `Database`: at most `size` connections, lent one caller at a time.
///
/// The state is a small value under a `Mutex`; every decision (lend an idle connection, allow opening a
/// new one, queue the caller) is taken inside the lock and acted on outside it, where continuations are
/// resumed. A caller waits at most the acquire timeout, then gets a `.poolTimeout` error (a 503).
final class ConnectionPool: Sendable {
    /// What a caller receives: a connection ready to use, or the right to open one.
    enum Lease {
        case connection(PostgresConnection)
        case permit
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections open or being opened, lent or idle.
        var openCount = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    private enum Decision {
        case lease(Lease)
        case wait
        case fail(DatabaseError)
    }

    let size: Int
    let acquireTimeout: Duration
    private let state = Mutex(State())

    init(size: Int, acquireTimeout: Duration) {
        self.size = max(1, size)
        self.acquireTimeout = acquireTimeout
    }

    /// Takes an idle connection, the right to open one, or waits for either until the acquire timeout.
    func acquire() async throws -> Lease {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let decision = state.withLock { state -> Decision in
                    if state.isClosed { return .fail(DatabaseError(code: .poolClosed)) }
                    if let connection = state.idle.popLast() { return .lease(.connection(connection)) }
                    if state.openCount < size {
                        state.openCount += 1
                        return .lease(.permit)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .lease(let lease): continuation.resume(returning: lease)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait:
                    let nanoseconds = acquireTimeout.components.seconds * 1_000_000_000
                        + acquireTimeout.components.attoseconds / 1_000_000_000
                    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                        [weak self] in
                        self?.abandon(waiter: id, error: DatabaseError(code: .poolTimeout))
                    }
                }
            }
        } onCancel: {
            abandon(waiter: id, error: CancellationError())
        }
    }

    /// Hands a healthy connection back: to the first waiter, else to the idle list.
    func release(_ connection: PostgresConnection) {
        connection.lastReleased = .now
        let waiter = state.withLock { state -> Waiter? in
            if state.isClosed {
                state.openCount -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        waiter?.continuation.resume(returning: .connection(connection))
    }

    /// Gives up a slot: a broken connection dropped, or a permit whose connect failed. The first waiter,
    /// if any, inherits the slot as a permit, so it tries to connect itself (and fails fast if the server
    /// is still down) instead of waiting out its timeout.
    func discard() {
        let waiter = state.withLock { state -> Waiter? in
            if !state.isClosed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.openCount -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .permit)
    }

    /// Refuses new callers, fails waiters and drops idle connections (closed as they deinitialise).
    func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.isClosed = true
            state.openCount -= state.idle.count
            state.idle.removeAll()
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: DatabaseError(code: .poolClosed)) }
    }

    private func abandon(waiter id: UInt64, error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }
}
