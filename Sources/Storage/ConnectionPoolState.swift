/// The pool's bookkeeping as a value: events in, actions out, no I/O (postgres-nio's
/// `PoolStateMachine` pattern), so every transition is tested without a server.
///
/// Generic over what it lends (`Connection`) and who waits (`Waiter`, a continuation in production).
/// Invariant: `openCount` counts connections lent, idle or being opened, and never exceeds `size`;
/// waiters exist only while no connection is idle and `openCount == size`.
struct ConnectionPoolState<Connection, Waiter> {
    typealias Lease = PoolLease<Connection>

    /// What to do after `acquire`.
    enum AcquireAction {
        case lease(Lease)
        /// The caller was queued; schedule its timeout.
        case wait
        case failClosed
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
        if let index = idle.lastIndex(where: preferred) { return .lease(.connection(idle.remove(at: index))) }
        if let connection = idle.popLast() { return .lease(.connection(connection)) }
        if openCount < size {
            openCount += 1
            return .lease(.permit)
        }
        return nil
    }

    /// A healthy connection comes back: to the longest waiter, else to the idle list.
    mutating func release(_ connection: Connection) -> HandOff {
        if isClosed {
            openCount -= 1
            return .none
        }
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
