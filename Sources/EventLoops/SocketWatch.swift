/// Waits, again and again, for one socket to become ready, on whichever event loop the waiting task runs.
///
/// Made for a pooled PostgreSQL connection, which waits for its server's answer once or more per query. The
/// socket stays registered on the loop it last waited on, one-shot (`EPOLLONESHOT`), so a wait on the same
/// loop costs one `epoll_ctl` to re-arm it; a wait on another loop moves it. On the loop's own thread the
/// wait is armed at once, and a task that prefers that loop resumes on it without leaving the thread; from
/// any other thread the wait is handed to the loop.
///
/// One wait at a time, by whoever holds the socket, hence `@unchecked Sendable`. Call ``close()`` before
/// closing the descriptor.
package final class SocketWatch: @unchecked Sendable {
    private let fd: Int32
    /// The loop the descriptor is registered on, and the handler registered there.
    private var registration: (loop: EventLoop, handler: Waiter)?

    /// A watch for `fd`; nothing is registered until the first wait.
    package init(fd: Int32) { self.fd = fd }

    /// Suspends the calling task until the socket is ready for `events` (`Epoll.readable`,
    /// `Epoll.writable`); hang-ups and errors count as ready, so the caller's next read or write sees them.
    /// - Parameter loop: A running loop: the caller's own (`EventLoop.current`) wherever there is one.
    package func wait(for events: UInt32, on loop: EventLoop) async {
        let fd = fd
        let armed = events | Epoll.oneShot
        if let registration, registration.loop === loop {
            let handler = registration.handler
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                if loop.inLoop {
                    handler.continuation = continuation
                    loop.epoll.modify(fd, events: armed)
                } else {
                    loop.execute {
                        handler.continuation = continuation
                        loop.epoll.modify(fd, events: armed)
                    }
                }
            }
            return
        }
        forget()
        let handler = Waiter()
        registration = (loop, handler)
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            if loop.inLoop {
                handler.continuation = continuation
                loop.register(fd, handler, events: armed, keepsLoopAlive: false)
            } else {
                loop.execute {
                    handler.continuation = continuation
                    loop.register(fd, handler, events: armed, keepsLoopAlive: false)
                }
            }
        }
    }

    /// Drops the registration; call before the descriptor is closed. The loop forgets it on its own thread,
    /// and only if the descriptor was not registered anew there meanwhile.
    package func close() { forget() }

    private func forget() {
        guard let (loop, handler) = registration else { return }
        registration = nil
        let fd = fd
        loop.execute { loop.deregister(fd, ifStill: handler) }
    }

    /// The registered handler: resumes the wait in progress. Loop thread only.
    private final class Waiter: EventHandler, @unchecked Sendable {
        var continuation: UnsafeContinuation<Void, Never>?

        func handle(events: UInt32) { continuation.take()?.resume() }
        func tick(now: UInt64) {}
        func beginShutdown() {}
    }
}
