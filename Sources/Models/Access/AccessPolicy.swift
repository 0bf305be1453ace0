/// The one function that decides every access (../shared/ARCHITECTURE.md, "Governance").
///
/// Handlers never decide on their own: they name their operation and its target, and obey the decision.
/// The rules are the `x-roles` of `openapi.yaml`, generated into `OperationAccess.rules`; an operation
/// missing from the table is refused to everyone (fail closed).
public struct AccessPolicy: Sendable {
    /// The outcome of a decision.
    public enum Decision: Hashable, Sendable {
        case allow
        /// No credentials, and the operation needs some: HTTP 401.
        case unauthenticated
        /// Authenticated, but no rule admits this caller for this target: HTTP 403.
        case forbidden
    }

    /// Rules by operationId.
    public let rules: [String: [AccessRule]]

    public init(rules: [String: [AccessRule]]) {
        self.rules = rules
    }

    /// Decides whether `principal` may perform `operation` on `target`.
    public func decide(operation: String, principal: Principal, target: AccessTarget) -> Decision {
        guard let operationRules = rules[operation] else {
            return principal.isAuthenticated ? .forbidden : .unauthenticated
        }
        for rule in operationRules where admits(rule, principal: principal, target: target) {
            return .allow
        }
        return principal.isAuthenticated ? .forbidden : .unauthenticated
    }

    private func admits(_ rule: AccessRule, principal: Principal, target: AccessTarget) -> Bool {
        guard case .role(let role) = rule.audience else { return true }
        guard let user = principal.user else { return false }
        let holding = principal.grants.filter { $0.role == role }
        guard !holding.isEmpty else { return false }
        switch rule.scope {
        case .any:
            return true
        case .ownCentre:
            // Fail closed: an operation that declares own_centre must name the centre it touches.
            guard let centre = target.centre else { return false }
            return holding.contains { $0.centre == centre }
        case .projectMember:
            guard let project = target.project else { return false }
            return principal.projects.contains(project)
        case .ownToken, .ownUser:
            guard let owner = target.owner else { return false }
            return owner == user
        }
    }
}
