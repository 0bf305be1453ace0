import HTTPServer
import Models

/// One served operation of `openapi.yaml`: its operationId, method and path template, and the handler.
///
/// Every route of the portal is an `Operation`; `PortalApplication` puts each one behind the access
/// policy, so no handler is reachable without a decision (../shared/ARCHITECTURE.md, "one policy function").
struct Operation: Sendable {
    /// Names the resource an operation touches, from the path parameters, for the policy.
    typealias TargetResolver = @Sendable (Request, RequestContext) async throws -> AccessTarget

    /// The operationId in `openapi.yaml`; its `x-roles` decide who may call it.
    let id: String
    let method: HTTPMethod
    /// Path template with `{parameter}` segments, exactly as in `openapi.yaml`.
    let path: String
    /// Most request content accepted, in bytes; nil takes the server's default (1 MiB).
    let bodyLimit: Int?
    let target: TargetResolver
    let handler: Router.Handler

    init(
        _ id: String, _ method: HTTPMethod, _ path: String, bodyLimit: Int? = nil,
        target: @escaping TargetResolver = { _, _ in .none }, handler: @escaping Router.Handler
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.bodyLimit = bodyLimit
        self.target = target
        self.handler = handler
    }
}
