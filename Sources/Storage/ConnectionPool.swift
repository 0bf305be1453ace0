import Dispatch
import EventLoops
import Synchronization

/// The bounded pool behind `Database`: at most `size` connections, lent one caller at a time.
///
/// Decisions are taken by `ConnectionPoolState` under a `Mutex`; continuations are resumed outside the
/// lock. A caller waits at most the acquire timeout, then gets a `.poolTimeout` error; while suspended
/// (the server is known to be down), it gets `.serverDown` at once.
final class ConnectionPool: Sendable {
    typealias State = ConnectionPoolState<PostgresConnection, CheckedContinuation<Lease, any Error>>
    typealias Lease = PoolLease<PostgresConnection>

    let acquireTimeout: Duration
    private let state: Mutex<State>
    private let waiterIDs = Atomic<UInt64>(0)

    init(size: Int, acquireTimeout: Duration) {
        self.acquireTimeout = acquireTimeout
        self.state = Mutex(State(size: size))
    }

    /// Takes an idle connection, the right to open one, or waits for either until the acquire timeout.
    /// - Parameter loop: The caller's event loop: an idle connection whose socket waits on it is lent
    ///   first, so its socket need not move to another loop (two `epoll_ctl` and a cross-thread wake-up).
    @inline(__always)
    func acquire(on loop: EventLoop?) async throws -> Lease {
        // The usual case under load, without a continuation or a cancellation handler.
        let lease = state.withLock { state in
            loop == nil ? state.acquireWithoutWaiting() : state.acquireWithoutWaiting { $0.isWatched(on: loop) }
        }
        switch lease {
        case .lease(let lease): return lease
        case .failClosed: throw DatabaseError(code: .poolClosed)
        case .failSuspended: throw DatabaseError(code: .serverDown)
        case .wait, nil: return try await acquireWaiting()
        }
    }

    private func acquireWaiting() async throws -> Lease {
        let id = waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                switch state.withLock({ $0.acquire(id: id, waiter: continuation) }) {
                case .lease(let lease): continuation.resume(returning: lease)
                case .failClosed: continuation.resume(throwing: DatabaseError(code: .poolClosed))
                case .failSuspended: continuation.resume(throwing: DatabaseError(code: .serverDown))
                case .wait:
                    let timeout = acquireTimeout.components
                    let nanoseconds = timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000
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

    /// Hands a healthy connection back (dropped if opened before the last suspension).
    func release(_ connection: PostgresConnection) {
        connection.lastReleased = .now
        perform(state.withLock { $0.release(connection, openedIn: connection.generation) })
    }

    /// The generation a connection opened now belongs to.
    var generation: Int { state.withLock { $0.generation } }

    /// The server is down: drops idle connections, fails waiters and later callers with `.serverDown`
    /// until `resume()`, and drops lent connections when they come back.
    func suspend() {
        let (_, waiters) = state.withLock { $0.suspend() }
        for waiter in waiters { waiter.resume(throwing: DatabaseError(code: .serverDown)) }
    }

    /// The server is back: lends connections again.
    func resume() {
        state.withLock { $0.resume() }
    }

    /// Gives up a slot: a broken connection dropped, or a permit whose connect failed.
    func discard() {
        perform(state.withLock { $0.discard() })
    }

    /// Refuses new callers, fails waiters and drops idle connections (closed as they deinitialise).
    func close() {
        let (_, waiters) = state.withLock { $0.close() }
        for waiter in waiters { waiter.resume(throwing: DatabaseError(code: .poolClosed)) }
    }

    private func perform(_ handOff: State.HandOff) {
        switch handOff {
        case .none: break
        case .resume(let waiter, let lease): waiter.resume(returning: lease)
        }
    }

    private func abandon(waiter id: UInt64, error: any Error) {
        state.withLock { $0.abandon(id: id) }?.resume(throwing: error)
    }
}
