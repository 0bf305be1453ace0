/// Every operation the portal serves, in one list: the router is built from it, and a test checks it
/// against the operations of `openapi.yaml` that are not `x-status: planned`.
enum PortalRoutes {
    /// What the handlers need from the running portal.
    struct Services: Sendable {
        /// The bytes of `openapi.yaml`.
        var openAPIDocument: [UInt8]
        /// Nil when ready, else why not.
        var readiness: OperationsRoutes.ReadinessCheck
    }

    static func operations(_ services: Services) -> [Operation] {
        OperationsRoutes.operations(openAPIDocument: services.openAPIDocument, readiness: services.readiness)
    }
}
