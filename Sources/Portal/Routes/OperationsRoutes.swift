import HTTPServer

/// `getHealth`, `getReadiness` and `getOpenAPI`: the operations of the `operations` tag of openapi.yaml
/// that are served today.
enum OperationsRoutes {
    /// What `/readyz` reports: nil when ready, else why not (no identifying data: shown to anyone).
    typealias ReadinessCheck = @Sendable () async -> String?

    static func operations(openAPIDocument: [UInt8], readiness: @escaping ReadinessCheck) -> [Operation] {
        [
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
            Operation("getOpenAPIDocument", .get, "/openapi.yaml") { _, _ in
                Response(
                    status: .ok, headers: ["Content-Type": "application/yaml", "Cache-Control": "no-cache"],
                    body: .bytes(openAPIDocument))
            },
        ]
    }
}
