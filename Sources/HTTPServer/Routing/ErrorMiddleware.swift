public import Logging

/// Turns thrown errors into RFC 9457 responses: ``HTTPResponseError`` values render themselves; anything
/// else becomes a 500 that carries the request ID (and only that: no error text reaches the client).
public struct ErrorMiddleware: Middleware {
    /// Level at which unknown errors are logged (with their type, not their description).
    public var level: Logger.Level

    /// Makes the middleware.
    public init(level: Logger.Level = .debug) { self.level = level }

    public func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            return error.problem.response
        } catch {
            context.logger.log(
                level: level, "unhandled error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            return ErrorMiddleware.internalError(requestID: context.requestID).response
        }
    }

    /// The 500 problem for an error the application did not map.
    static func internalError(requestID: String) -> Problem {
        Problem(
            status: .internalServerError, detail: "An unexpected error occurred; quote the request ID when reporting it.",
            extensions: requestID.isEmpty ? [:] : ["requestId": requestID])
    }
}
