import Foundation
import HTTPServer
import Hashing

/// `getHealth`, `getReadiness` and `getOpenAPI`: the operations of the `operations` tag of openapi.yaml
/// that are served today.
enum OperationsRoutes {
    /// What `/readyz` reports: nil when ready, else why not (no identifying data: shown to anyone).
    typealias ReadinessCheck = @Sendable () async -> String?

    static func operations(openAPIDocument: [UInt8], readiness: @escaping ReadinessCheck) -> [Operation] {
        // A strong validator (RFC 9110 §8.8.3): the document changes only with a new release.
        let entityTag = "\"" + hexString(SHA256.hash(openAPIDocument).prefix(16)) + "\""
        return [
            Operation("getHealth", .get, "/healthz") { _, _ in
                // Liveness touches no dependency: a load balancer must not restart us for a slow database.
                .json(#"{"status":"ok","version":"\#(PortalCommand.version)"}"#)
            },
            Operation("getReadiness", .get, "/readyz") { _, _ in
                if let reason = await readiness() {
                    throw PortalProblem.notReady(detail: reason)
                }
                return .json(#"{"status":"ready","database":"ok","migrations":"applied"}"#)
            },
            Operation("getOpenAPIDocument", .get, "/openapi.yaml") { request, _ in
                // RFC 9110 §13.1.2: weak comparison; several field lines form one list.
                let conditions = request.headers.values("If-None-Match")
                if !conditions.isEmpty,
                    EntityTag.listMatches(conditions.joined(separator: ","), current: entityTag, using: .weak)
                {
                    return Response(status: .notModified, headers: ["ETag": entityTag])
                }
                return Response(
                    status: .ok,
                    headers: ["Content-Type": "application/yaml", "Cache-Control": "no-cache", "ETag": entityTag],
                    body: .bytes(openAPIDocument))
            },
        ]
    }
}
