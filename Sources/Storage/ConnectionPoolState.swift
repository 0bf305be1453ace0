/// The pool's bookkeeping as a value: events in, actions out, no I/O (postgres-nio's
/// `PoolStateMachine` pattern), so every transition is tested without a server.
///
/// Generic over what it lends (`Connection`) and who waits (`Waiter`, a continuation in production).
/// Invariant: `openCount` counts connections lent, idle or being opened, and never exceeds `size`;
/// waiters exist only while no connection is idle and `openCount == size`, and never while suspended.
///
/// When the server is known to be down (the private cluster crashed), the pool is suspended: callers fail
/// at once instead of trying to connect to a dead server, and every connection opened before, idle or
/// lent, is dropped rather than lent again, since it leads to the dead server (`generation`).
struct ConnectionPoolState<Connection, Waiter> {
    typealias Lease = PoolLease<Connection>

    /// What to do after `acquire`.
    enum AcquireAction {
        case lease(Lease)
        /// The caller was queued; schedule its timeout.
        case wait
        case failClosed
        /// The pool is suspended (`suspend()`): fail at once, attempt nothing.
        case failSuspended
    }

    /// What to do after `release` or `discard`.
    enum HandOff {
        /// Nothing to resume.
        case none
        /// Resume this waiter with this lease.
        case resume(Waiter, Lease)
    }

    let size: Int
    private(set) var idle: [Connection] = []
    private(set) var openCount = 0
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    private(set) var isClosed = false
    private(set) var isSuspended = false
    /// Counts suspensions. A connection opened in an earlier generation is dropped when it comes back.
    private(set) var generation = 0

    init(size: Int) { self.size = max(1, size) }

    /// Number of queued callers.
    var waiterCount: Int { waiters.count }

    /// A caller wants a connection and would wait for one.
    mutating func acquire(id: UInt64, waiter: Waiter) -> AcquireAction {
        if let action = acquireWithoutWaiting() { return action }
        waiters.append((id, waiter))
        return .wait
    }

    /// A caller wants a connection now: a lease or `.failClosed`, or nil when it would have to wait.
    /// Never overtakes a waiter: while one waits, nothing is idle and no slot is free.
    /// - Parameter preferred: Picks, among idle connections, those the caller would rather have (the
    ///   most recently returned of them is lent); any idle one otherwise, the most recently returned.
    mutating func acquireWithoutWaiting(preferring preferred: (Connection) -> Bool = { _ in true }) -> AcquireAction? {
        if isClosed { return .failClosed }
        if isSuspended { return .failSuspended }
        if let index = idle.lastIndex(where: preferred) { return .lease(.connection(idle.remove(at: index))) }
        if let connection = idle.popLast() { return .lease(.connection(connection)) }
        if openCount < size {
            openCount += 1
            return .lease(.permit)
        }
        return nil
    }

    /// A healthy connection comes back: to the longest waiter, else to the idle list; dropped instead (as
    /// by `discard()`) if it was opened before the last suspension.
    /// - Parameter generation: The pool's `generation` when the connection was opened.
    mutating func release(_ connection: Connection, openedIn generation: Int) -> HandOff {
        if isClosed {
            openCount -= 1
            return .none
        }
        if generation != self.generation { return discard() }
        if !waiters.isEmpty { return .resume(waiters.removeFirst().waiter, .connection(connection)) }
        idle.append(connection)
        return .none
    }

    /// A slot frees up (broken connection dropped, or a connect attempt failed). The longest waiter
    /// inherits it as a permit, so it tries to connect itself instead of waiting out its timeout.
    mutating func discard() -> HandOff {
        if !isClosed, !waiters.isEmpty { return .resume(waiters.removeFirst().waiter, .permit) }
        openCount -= 1
        return .none
    }

    /// A waiter's timeout fired or its task was cancelled: remove it if still queued.
    mutating func abandon(id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// The server went down: idle connections are dropped (returned to be closed), waiters returned to be
    /// failed, and callers refused until `resume()`; connections lent now are dropped when they come back.
    mutating func suspend() -> (idle: [Connection], waiters: [Waiter]) {
        isSuspended = true
        generation += 1
        openCount -= idle.count
        defer {
            idle.removeAll()
            waiters.removeAll()
        }
        return (idle, waiters.map(\.waiter))
    }

    /// The server is back: callers get connections again, opened anew.
    mutating func resume() {
        isSuspended = false
    }

    /// The pool shuts down: idle connections are dropped, waiters returned to be failed.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        isClosed = true
        openCount -= idle.count
        defer {
            idle.removeAll()
            waiters.removeAll()
        }
        return (idle, waiters.map(\.waiter))
    }
}

/// What a caller of the pool gets.
enum PoolLease<Connection> {
    /// An idle connection.
    case connection(Connection)
    /// The right to open a new connection (a slot is reserved for it).
    case permit
}

extension PoolLease: Sendable where Connection: Sendable {}
