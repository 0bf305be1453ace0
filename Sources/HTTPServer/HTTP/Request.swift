public import Logging

/// A request as handlers see it: the parsed head, the decoded path, the query and the streamed body.
public struct Request: Sendable {
    /// Request line and fields as parsed.
    public let head: RequestHead
    /// The path part of the target, still percent-encoded (decoded per segment by the router).
    public let path: String
    /// The query part of the target (after `?`), still encoded; empty when absent.
    public let rawQuery: String
    /// The content, as a sequence of chunks.
    public var body: RequestBody

    /// Makes a request from a head; the target is split into path and query (origin-form, or
    /// absolute-form per RFC 9112 §3.2.2).
    public init(head: RequestHead, body: RequestBody = .empty) {
        self.head = head
        self.body = body
        var target = Substring(head.target)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
            target = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterScheme[$0...] } ?? "/"
            if target.first == "?" { target = "/" + target }
        }
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            rawQuery = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            rawQuery = ""
        }
    }

    /// The method.
    public var method: HTTPMethod { head.method }
    /// The header fields.
    public var headers: HTTPFields { head.headers }
    /// The query parameters, decoded (`application/x-www-form-urlencoded` rules).
    public var query: QueryParameters { QueryParameters(rawQuery) }
}

/// Values a middleware or handler learns about a request beyond its bytes.
public struct RequestContext: Sendable {
    /// The request ID (from a valid `X-Request-ID` or generated), echoed in the response.
    public var requestID: String
    /// Logger carrying `request.id` metadata.
    public var logger: Logger
    /// The matched route template, e.g. `/studies/{study}`; nil when nothing matched.
    /// Log this, never the raw target (it may hold identifiers).
    public var route: String?
    /// Path parameters by name, percent-decoded.
    public var parameters: [String: String]
    /// What the router decided; consumed by the end of the middleware chain.
    var resolution: Resolution = .problem(Problem(status: .notFound))

    /// Makes a context.
    public init(requestID: String = "", logger: Logger, route: String? = nil, parameters: [String: String] = [:]) {
        self.requestID = requestID
        self.logger = logger
        self.route = route
        self.parameters = parameters
    }
}
