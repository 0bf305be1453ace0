import EventLoops
import Logging
import Synchronization

/// What every connection of one server shares: configuration, the responder, counters and the
/// shutdown deadline. Immutable except for the atomics.
final class ServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let logger: Logger
    let tls: TLSContext?
    let router: Router
    let chain: Responder
    let headTimeout: UInt64
    let bodyTimeout: UInt64
    let idleTimeout: UInt64
    let writeTimeout: UInt64
    let lingerTimeout: UInt64
    /// The `Strict-Transport-Security` line every response carries when serving TLS; nil over plain HTTP.
    let strictTransportSecurityLine: [UInt8]?
    private let openConnections = Atomic<Int>(0)
    private let forceCloseAt = Atomic<UInt64>(0)
    private let requestTasks = Atomic<Int>(0)

    init(
        configuration: HTTPServer.Configuration, router: Router, middleware: [any Middleware], logger: Logger,
        tls: TLSContext?
    ) {
        self.configuration = configuration
        self.logger = logger
        self.tls = tls
        self.router = router
        headTimeout = MonotonicTime.nanoseconds(configuration.headTimeout)
        bodyTimeout = MonotonicTime.nanoseconds(configuration.bodyTimeout)
        idleTimeout = MonotonicTime.nanoseconds(configuration.idleTimeout)
        writeTimeout = MonotonicTime.nanoseconds(configuration.writeTimeout)
        lingerTimeout = MonotonicTime.nanoseconds(configuration.lingerTimeout)
        strictTransportSecurityLine =
            tls == nil ? nil : configuration.tls?.strictTransportSecurityMaxAge.map(ResponseHead.strictTransportSecurityLine)
        let standard: [any Middleware] = [
            RequestIDMiddleware(), AccessLogMiddleware(level: configuration.accessLogLevel),
            ErrorMiddleware(level: configuration.errorLogLevel),
        ]
        chain = (standard + middleware).chained { request, context in
            switch context.resolution {
            case .handler(let handler, let limit):
                if let declared = request.body.declaredLength, declared > UInt64(limit) {
                    throw Problem(
                        status: .contentTooLarge, detail: "The request content is larger than this resource accepts.")
                }
                return try await handler(request, context)
            case .problem(let problem):
                throw problem
            }
        }
    }

    /// Routes the request and runs the middleware chain; never throws (errors become problems).
    func respond(to request: Request) async -> Response {
        var request = request
        var context = RequestContext(logger: logger)
        switch router.match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            context.route = route.template.text
            context.parameters = parameters
            let limit = route.bodyLimit ?? configuration.defaultBodyLimit
            request.body.limit = limit
            context.resolution = .handler(route.handler, limit: limit)
        case .methodNotAllowed(let allow):
            context.resolution = .problem(
                Problem(
                    status: .methodNotAllowed, detail: "This resource does not support the method.",
                    headers: ["Allow": allow.map(\.rawValue).joined(separator: ", ")]))
        case .notFound:
            context.resolution = .problem(Problem(status: .notFound, detail: "No resource matches the path."))
        case .badPath:
            context.resolution = .problem(Problem(status: .badRequest, detail: "The path is not valid."))
        }
        do {
            return try await chain(request, context)
        } catch {
            return ErrorMiddleware.internalError(requestID: context.requestID).response
        }
    }

    /// Counts a new connection; false when the cap is reached.
    func admitConnection() -> Bool {
        let count = openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        if count > configuration.maxConnections {
            openConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func connectionClosed() { openConnections.wrappingSubtract(1, ordering: .relaxed) }

    func requestTaskStarted() { requestTasks.wrappingAdd(1, ordering: .relaxed) }
    func requestTaskEnded() { requestTasks.wrappingSubtract(1, ordering: .relaxed) }
    /// Connection tasks still running.
    var activeRequestTasks: Int { requestTasks.load(ordering: .relaxed) }

    /// Open connections right now.
    var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Monotonic time at which remaining connections are closed hard; 0 when not shutting down.
    var forceCloseDeadline: UInt64 { forceCloseAt.load(ordering: .relaxed) }

    func setForceCloseDeadline(_ deadline: UInt64) { forceCloseAt.store(deadline, ordering: .relaxed) }
}

/// What the router decided for a request, carried through the middleware to the end of the chain.
enum Resolution: Sendable {
    case handler(Router.Handler, limit: Int)
    case problem(Problem)
}
