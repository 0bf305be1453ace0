import HTTPServer
import Models

/// Finds who is calling from the request's credentials (`Authorization: Bearer …`, RFC 6750).
///
/// API tokens arrive with the identities work (openapi.yaml, `createToken`); until then no token is
/// known, so a request that presents one is refused with 401 rather than silently treated as anonymous.
struct Authenticator: Sendable {
    /// The principal behind the request.
    /// - Throws: a 401 problem when credentials are present but not valid.
    func principal(for request: Request) async throws -> Principal {
        guard let authorization = request.headers["Authorization"] else { return .anonymous }
        let scheme = authorization.split(separator: " ", maxSplits: 1).first.map { $0.lowercased() }
        guard scheme == "bearer" else {
            throw PortalProblem.unauthenticated(detail: "Only bearer tokens are accepted.")
        }
        throw PortalProblem.unauthenticated(detail: "The token is not known.")
    }
}
