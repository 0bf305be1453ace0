public import Logging

/// Logs one line per request: method, route template (never the raw target, which may hold identifiers),
/// status and duration, with the request ID from the context's logger metadata.
public struct AccessLogMiddleware: Middleware {
    /// The level of the lines.
    public var level: Logger.Level

    /// Makes the middleware.
    public init(level: Logger.Level = .info) { self.level = level }

    public func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.log(
            level: level, "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(context.route ?? "unmatched")",
                "http.status": "\(response.status.code)",
                "http.duration_ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
            ])
        return response
    }
}
