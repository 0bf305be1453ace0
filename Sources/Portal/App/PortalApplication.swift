import HTTPServer
import Models

/// The portal's HTTP face: the served operations, each behind the one access policy, and the portal's
/// middleware. `ServeCommand` runs it; tests build it the same way on port 0.
struct PortalApplication: Sendable {
    let operations: [Operation]
    let policy: AccessPolicy
    let authenticator: Authenticator

    init(
        operations: [Operation], policy: AccessPolicy = OperationAccess.policy,
        authenticator: Authenticator = Authenticator()
    ) {
        self.operations = operations
        self.policy = policy
        self.authenticator = authenticator
    }

    /// The portal's own middleware, run inside the server's request-id, access-log and error middleware.
    var middleware: [any Middleware] { [ProblemCatalogueMiddleware()] }

    /// A router with every operation, each handler guarded by the policy.
    func makeRouter() -> Router {
        var router = Router()
        for operation in operations {
            let policy = self.policy
            let authenticator = self.authenticator
            router.on(operation.method, operation.path, bodyLimit: operation.bodyLimit) { request, context in
                let principal = try await authenticator.principal(for: request)
                let target = try await operation.target(request, context)
                switch policy.decide(operation: operation.id, principal: principal, target: target) {
                case .allow:
                    return try await operation.handler(request, context)
                case .unauthenticated:
                    throw PortalProblem.unauthenticated(detail: "This operation needs a bearer token.")
                case .forbidden:
                    throw PortalProblem.forbidden(operation: operation.id)
                }
            }
        }
        return router
    }
}
