/// Waits, again and again, for one socket to become ready, on whichever event loop the waiting task runs.
///
/// Made for a pooled PostgreSQL connection, which waits for its server's answer once or more per query. The
/// socket stays registered on the loop it last waited on and stays armed for what it last waited for, so a
/// wait on the same loop for the same events costs no system call at all; a wait for other events re-arms
/// it (`epoll_ctl`), a wait on another loop moves it. If the socket turns ready while nobody waits (the
/// server closing an idle connection, say), the loop disarms it, so a level-triggered event cannot spin,
/// and remembers it: the next wait returns at once. On the loop's own thread a wait is armed at once, and
/// a task that prefers that loop resumes on it without leaving the thread; from any other thread the wait
/// is handed to the loop. An idle registration never keeps a loop alive after `stop()`; a task suspended in
/// a wait does, until the socket answers (a handler's query in flight at shutdown finishes, bounded by
/// the statement timeout, instead of being stranded with its pooled connection).
///
/// One wait at a time, by whoever holds the socket, hence `@unchecked Sendable`. Call ``close()`` before
/// closing the descriptor.
package final class SocketWatch: @unchecked Sendable {
    private let fd: Int32
    /// The loop the descriptor is registered on, and the handler registered there.
    private var registration: (loop: EventLoop, handler: Waiter)?

    /// A watch for `fd`; nothing is registered until the first wait.
    package init(fd: Int32) { self.fd = fd }

    /// The loop the socket is registered on, if any (read by whoever holds the socket, or under the lock
    /// of whoever lends it).
    package var loop: EventLoop? { registration?.loop }

    /// Suspends the calling task until the socket is ready for `events` (`Epoll.readable`,
    /// `Epoll.writable`), or was since the last wait; hang-ups and errors count as ready, so the caller's
    /// next read or write sees them. A spurious return is possible: callers read or write, and wait again
    /// if that would block.
    /// - Parameter loop: A running loop: the caller's own (`EventLoop.current`) wherever there is one.
    package func wait(for events: UInt32, on loop: EventLoop) async {
        let handler: Waiter
        if let registration, registration.loop === loop {
            handler = registration.handler
        } else {
            forget(descriptorIsOpen: true)
            handler = Waiter(fd: fd, loop: loop)
            registration = (loop, handler)
        }
        if loop.inLoop, handler.readyWhileUnwatched(rearmingFor: events) { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            if loop.inLoop {
                handler.watch(for: events, continuation)
            } else {
                loop.execute { handler.watch(for: events, continuation) }
            }
        }
    }

    /// Drops the registration; call before the descriptor is closed.
    ///
    /// The descriptor leaves the loop's epoll set at once, from this thread (`epoll_ctl` is thread-safe):
    /// epoll watches the open file, not the number, so a socket whose file outlives our descriptor (a child
    /// process inherited it between libpq's `socket()` and its `FD_CLOEXEC`) would otherwise stay
    /// registered, unreachable by number, and a hang-up on it would wake the loop on every round.
    package func close() { forget(descriptorIsOpen: true) }

    /// Drops the registration of a descriptor someone else already closed (libpq closes its socket when
    /// the connection is lost): its number may belong to another file by now, so no `epoll_ctl` is made
    /// with it here; the loop forgets the handler only if it is still the one registered for that number.
    package func abandon() { forget(descriptorIsOpen: false) }

    /// Drops the registration: out of the epoll set now when the descriptor is still ours; the loop
    /// forgets the handler on its own thread, and only if the descriptor was not registered anew there.
    private func forget(descriptorIsOpen: Bool) {
        guard let (loop, handler) = registration else { return }
        registration = nil
        if descriptorIsOpen { loop.epoll.remove(fd) }
        let fd = fd
        loop.execute { loop.deregister(fd, ifStill: handler) }
    }

    /// The registered handler and the descriptor's state on its loop. Loop thread only.
    private final class Waiter: EventHandler, @unchecked Sendable {
        private let fd: Int32
        private let loop: EventLoop
        private var continuation: UnsafeContinuation<Void, Never>?
        /// What epoll watches for now; 0 while not registered or disarmed.
        private var armed: UInt32 = 0
        private var isRegistered = false
        /// The socket turned ready while nobody waited.
        private var wasReady = false

        init(fd: Int32, loop: EventLoop) {
            self.fd = fd
            self.loop = loop
        }

        /// If the socket turned ready while nobody waited, clears that, arms it for `events` and answers
        /// true: the caller returns without suspending.
        func readyWhileUnwatched(rearmingFor events: UInt32) -> Bool {
            guard wasReady else { return false }
            wasReady = false
            arm(events)
            return true
        }

        /// Resumes `continuation` once the socket is ready for `events`.
        func watch(for events: UInt32, _ continuation: UnsafeContinuation<Void, Never>) {
            if wasReady {
                // Handed over from another thread after the socket turned ready.
                wasReady = false
                arm(events)
                continuation.resume()
                return
            }
            self.continuation = continuation
            loop.waitBegan()
            arm(events)
        }

        private func arm(_ events: UInt32) {
            guard armed != events else { return }
            if isRegistered {
                loop.epoll.modify(fd, events: events)
            } else {
                loop.register(fd, self, events: events, keepsLoopAlive: false)
                isRegistered = true
            }
            armed = events
        }

        func handle(events: UInt32) {
            if let continuation = continuation.take() {
                loop.waitEnded()
                continuation.resume()
                return
            }
            // Nobody waits: remember it, and stop a level-triggered event from firing on every round. Hang-ups
            // and errors are reported whatever the mask, so disarming leaves only a one-shot mask: one more
            // report at most (ignored below), then silence until the next wait re-arms it.
            wasReady = true
            guard armed != 0 else { return }
            loop.epoll.modify(fd, events: Epoll.oneShot)
            armed = 0
        }

        func tick(now: UInt64) {}
        func beginShutdown() {}
    }
}
