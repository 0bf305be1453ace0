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
                if let condition = request.headers["If-None-Match"], Self.matches(condition, entityTag) {
                    return Response(status: .notModified, headers: ["ETag": entityTag])
                }
                return Response(
                    status: .ok,
                    headers: ["Content-Type": "application/yaml", "Cache-Control": "no-cache", "ETag": entityTag],
                    body: .bytes(openAPIDocument))
            },
        ]
    }

    /// Whether an `If-None-Match` field value matches `entityTag` (RFC 9110 §13.1.2: weak comparison).
    static func matches(_ condition: String, _ entityTag: String) -> Bool {
        let trimmed = condition.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return true }
        return trimmed.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == entityTag
        }
    }
}
