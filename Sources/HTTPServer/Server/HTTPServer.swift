import EventLoops
import Glibc
public import Logging
import Synchronization

/// An HTTP/1.1 server (RFC 9112) with optional TLS, on epoll event loops, one per core.
///
/// ```swift
/// var router = Router()
/// router.get("/healthz") { _, _ in .text("ok") }
/// let server = try HTTPServer(configuration: .init(port: 0), router: router, logger: logger)
/// print(server.boundPort)
/// await server.run()                            // returns after shutdown(gracePeriod:) completes
/// ```
///
/// The listener is bound in `init`, so ``boundPort`` is known before ``run()``. Every request passes
/// request ID, access log and error mapping, then the given middleware, then the route handler.
/// The process ignores SIGPIPE from the first server on (peer resets must not kill it).
public final class HTTPServer: Sendable {
    /// Online cores, the default number of event loops.
    public static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    private enum Phase {
        case ready
        case running(AsyncStream<Connection>.Continuation)
        case stopping
    }

    /// The port the listener is bound to (the chosen one when configured with 0).
    public let boundPort: Int
    /// The configuration in use.
    public let configuration: Configuration
    let context: ServerContext
    private let listeners: [Socket]
    private let loops: [EventLoop]
    private let phase = Mutex<Phase>(.ready)
    private let listenersToRelease: Mutex<Int>
    private let listeningLoops = Atomic<Int>(0)

    /// Binds the listener and prepares TLS; serving starts with ``run()``.
    /// - Throws: ``ListenError`` when the address cannot be bound, ``TLSError`` when the certificate or
    ///   key cannot be loaded.
    public init(
        configuration: Configuration, router: Router, middleware: [any Middleware] = [], logger: Logger
    ) throws {
        Socket.ignoreBrokenPipeSignal()
        let tls = try configuration.tls.map {
            try TLSContext(certificatePath: $0.certificatePath, privateKeyPath: $0.privateKeyPath, profile: $0.profile)
        }
        let (sockets, port) = try Socket.makeListeners(
            host: configuration.host, port: configuration.port, backlog: Int32(configuration.backlog))
        self.configuration = configuration
        boundPort = port
        listeners = sockets
        loops = (0..<max(1, configuration.eventLoopCount)).map { _ in EventLoop() }
        listenersToRelease = Mutex(loops.count)
        context = ServerContext(
            configuration: configuration, router: router, middleware: middleware, logger: logger, tls: tls)
    }

    /// Every route as method + template (to compare with an OpenAPI document).
    public var routes: [RouteDescription] { context.router.routeTable }

    /// Connections open right now.
    public var connectionCount: Int { context.connectionCount }

    /// True once ``run()`` has every event loop accepting connections (until shutdown begins).
    public var isListening: Bool {
        guard listeningLoops.load(ordering: .acquiring) == loops.count else { return false }
        return phase.withLock { phase in
            if case .running = phase { return true }
            return false
        }
    }

    /// Serves until ``shutdown(gracePeriod:)`` has finished: new connections stop, requests in flight
    /// complete (or are cut at the deadline), then the loops end and this returns.
    public func run() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Connection.self)
        let alreadyStopping = phase.withLock { phase -> Bool in
            guard case .ready = phase else { return true }
            phase = .running(continuation)
            return false
        }
        if alreadyStopping {
            continuation.finish()
            return
        }
        let exits = LoopExits(count: loops.count)
        for (index, loop) in loops.enumerated() {
            loop.start(name: "http-loop-\(index)") { exits.loopExited() }
            loop.execute { [self] in
                for socket in listeners {
                    loop.register(
                        socket.descriptor, Listener(socket: socket, loop: loop, server: self),
                        events: Epoll.readable | Epoll.exclusive)
                }
                listeningLoops.wrappingAdd(1, ordering: .releasing)
            }
        }
        // Accepting runs on the first loop too, so serving never waits for the global concurrent pool.
        await withTaskExecutorPreference(loops[0]) {
            await withDiscardingTaskGroup { group in
                for await connection in stream {
                    context.requestTaskStarted()
                    group.addTask(executorPreference: connection.loop) { [context] in
                        await connection.serve()
                        context.requestTaskEnded()
                    }
                }
                // Shutdown began. Wait for the connection tasks up to the deadline, then cancel the
                // stragglers (a handler stuck in a wait that ignores the closed socket).
                while context.activeRequestTasks > 0 && MonotonicTime.now() < context.forceCloseDeadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                // Loop ticks close the remaining sockets at the deadline; let them go first, so a
                // cancelled handler cannot still answer.
                let cutOff = context.forceCloseDeadline + 2 * EventLoop.tickInterval
                while context.connectionCount > 0 && MonotonicTime.now() < cutOff {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                group.cancelAll()
            }
        }
        for loop in loops { loop.stop() }
        await exits.wait()
    }

    /// Begins a graceful shutdown: stop accepting, close idle connections, let requests in flight finish,
    /// close whatever is left after `gracePeriod`. Returns at once; ``run()`` returns when done.
    public func shutdown(gracePeriod: Duration = .seconds(10)) {
        let continuation = phase.withLock { phase -> AsyncStream<Connection>.Continuation? in
            switch phase {
            case .running(let continuation):
                phase = .stopping
                return continuation
            case .ready:
                phase = .stopping
                for socket in listeners { socket.close() }
                return nil
            case .stopping:
                return nil
            }
        }
        guard let continuation else { return }
        context.setForceCloseDeadline(MonotonicTime.now() + MonotonicTime.nanoseconds(gracePeriod))
        for loop in loops {
            loop.execute { loop.forEachHandler { $0.beginShutdown() } }
        }
        continuation.finish()
    }

    /// Hands an accepted connection to ``run()``; false when shutting down (the caller closes it).
    func deliver(_ connection: Connection) -> Bool {
        phase.withLock { phase in
            guard case .running(let continuation) = phase else { return false }
            if case .enqueued = continuation.yield(connection) { return true }
            return false
        }
    }

    /// A loop stopped watching the listeners; the last one closes them.
    func listenerReleased() {
        let remaining = listenersToRelease.withLock { count in
            count -= 1
            return count
        }
        if remaining == 0 { for socket in listeners { socket.close() } }
    }
}

/// Lets ``HTTPServer/run()`` wait for every loop thread to end.
private final class LoopExits: Sendable {
    private let state: Mutex<(remaining: Int, waiter: CheckedContinuation<Void, Never>?)>

    init(count: Int) { state = Mutex((count, nil)) }

    func loopExited() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isDone = state.withLock { state -> Bool in
                if state.remaining == 0 { return true }
                state.waiter = continuation
                return false
            }
            if isDone { continuation.resume() }
        }
    }
}
