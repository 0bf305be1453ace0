/// Maps method + path template to handlers (`/studies/{study}/series/{series}`).
///
/// Path segments are percent-decoded one by one after splitting on `/`, so an encoded slash stays inside
/// its parameter. A literal segment wins over a parameter at the same position. A path that matches a
/// template but not the method gets 405 with `Allow` (RFC 9110 §15.5.6); `HEAD` falls back to `GET`.
public struct Router: Sendable {
    /// A route handler.
    public typealias Handler = @Sendable (Request, RequestContext) async throws -> Response

    struct Route: Sendable {
        let method: HTTPMethod
        let template: PathTemplate
        let bodyLimit: Int?
        let handler: Handler
    }

    /// The outcome of matching a request.
    enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allow: [HTTPMethod])
        case notFound
        case badPath
    }

    private(set) var routes: [Route] = []

    /// An empty router.
    public init() {}

    /// Adds a route.
    /// - Parameters:
    ///   - bodyLimit: most request content bytes accepted, in bytes; nil uses the server's default.
    ///     Larger declared lengths get 413 before the handler runs; chunked bodies fail while read.
    public mutating func on(
        _ method: HTTPMethod, _ template: String, bodyLimit: Int? = nil, handler: @escaping Handler
    ) {
        precondition(template.hasPrefix("/"), "route templates start with /")
        routes.append(Route(method: method, template: PathTemplate(template), bodyLimit: bodyLimit, handler: handler))
    }

    /// Adds a `GET` route.
    public mutating func get(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        on(.get, template, bodyLimit: bodyLimit, handler: handler)
    }

    /// Adds a `POST` route.
    public mutating func post(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        on(.post, template, bodyLimit: bodyLimit, handler: handler)
    }

    /// Adds a `PUT` route.
    public mutating func put(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        on(.put, template, bodyLimit: bodyLimit, handler: handler)
    }

    /// Adds a `PATCH` route.
    public mutating func patch(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        on(.patch, template, bodyLimit: bodyLimit, handler: handler)
    }

    /// Adds a `DELETE` route.
    public mutating func delete(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        on(.delete, template, bodyLimit: bodyLimit, handler: handler)
    }

    /// Every route as method + template, in registration order (compare with openapi.yaml).
    public var routeTable: [RouteDescription] {
        routes.map { RouteDescription(method: $0.method, template: $0.template.text) }
    }

    /// Finds the route for `method` and the still-encoded `path`.
    func match(method: HTTPMethod, path: String) -> Match {
        guard path.hasPrefix("/") else { return path == "*" ? .notFound : .badPath }
        var segments: [String] = []
        for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            guard segments.count < PathTemplate.maxSegments, let decoded = PercentDecoding.decode(Substring(raw)),
                decoded != ".", decoded != ".."
            else { return .badPath }
            segments.append(decoded)
        }
        var best: (route: Route, score: UInt64)?
        var bestGet: (route: Route, score: UInt64)?
        var pathExists = false
        for route in routes {
            guard let score = route.template.score(segments) else { continue }
            pathExists = true
            if route.method == method, best.map({ score > $0.score }) ?? true {
                best = (route, score)
            } else if method == .head, route.method == .get, bestGet.map({ score > $0.score }) ?? true {
                bestGet = (route, score)
            }
        }
        if let chosen = best ?? bestGet {
            return .found(chosen.route, parameters: chosen.route.template.parameters(segments))
        }
        guard pathExists else { return .notFound }
        var allowed: Set<HTTPMethod> = []
        for route in routes where route.template.score(segments) != nil { allowed.insert(route.method) }
        if allowed.contains(.get) { allowed.insert(.head) }
        return .methodNotAllowed(allow: allowed.sorted { $0.rawValue < $1.rawValue })
    }
}

/// A route as listed in the route table.
public struct RouteDescription: Hashable, Sendable, CustomStringConvertible {
    /// The method.
    public var method: HTTPMethod
    /// The template as registered, e.g. `/studies/{study}`.
    public var template: String

    /// Makes a description.
    public init(method: HTTPMethod, template: String) {
        self.method = method
        self.template = template
    }

    public var description: String { "\(method) \(template)" }
}
