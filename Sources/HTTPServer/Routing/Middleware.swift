/// The rest of the chain, as seen by a middleware.
public typealias Responder = @Sendable (Request, RequestContext) async throws -> Response

/// Code around every request: it may change the request or context, answer early, or change the response.
public protocol Middleware: Sendable {
    /// Handles `request`, usually by calling `next` and adjusting what it returns.
    func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response
}

extension Array where Element == any Middleware {
    /// Folds the middleware around `responder`, first element outermost.
    func chained(to responder: @escaping Responder) -> Responder {
        reversed().reduce(responder) { next, middleware in
            { request, context in try await middleware.handle(request, context: context, next: next) }
        }
    }
}
