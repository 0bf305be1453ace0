import Logging
import Synchronization

/// Gives every request an ID: a valid incoming `X-Request-ID` (1–64 of `A-Z a-z 0-9 - _ .`) or a new one,
/// put in the context and logger metadata (`request.id`) and echoed as `X-Request-ID` on the response.
public struct RequestIDMiddleware: Middleware {
    private static let counter = Atomic<UInt64>(0)
    private static let prefix: String = {
        let value = UInt32.random(in: 0x1000_0000...UInt32.max)
        return String(value, radix: 16)
    }()

    /// Makes the middleware.
    public init() {}

    public func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response {
        var context = context
        if let incoming = request.headers["X-Request-ID"], RequestIDMiddleware.isAcceptable(incoming) {
            context.requestID = incoming
        } else {
            context.requestID = RequestIDMiddleware.make()
        }
        context.logger[metadataKey: "request.id"] = "\(context.requestID)"
        var response = try await next(request, context)
        response.headers["X-Request-ID"] = context.requestID
        return response
    }

    /// A new process-unique ID: a random prefix and a counter, both hexadecimal.
    static func make() -> String {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(number, radix: 16)
    }

    static func isAcceptable(_ value: String) -> Bool {
        guard (1...64).contains(value.utf8.count) else { return false }
        return value.utf8.allSatisfy { byte in
            ASCII.isToken(byte) && byte != UInt8(ascii: "!") && byte != UInt8(ascii: "#")
                && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A))
        }
    }
}
