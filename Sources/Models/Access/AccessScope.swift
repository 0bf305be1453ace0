/// On what a role's permission for an operation applies: the `scope` of an `x-roles` entry in
/// `openapi.yaml`.
public enum AccessScope: String, Sendable, CaseIterable, Codable {
    /// Whatever the target.
    case any
    /// Only a target that belongs to the centre the caller's role is bound to.
    case ownCentre = "own_centre"
    /// Only a target project the caller is a member of, with a grant in force.
    case projectMember = "project_member"
    /// Only a token the caller owns.
    case ownToken = "own_token"
    /// Only the caller's own user record.
    case ownUser = "self"
}

/// Who may call an operation: one `x-roles` entry.
public struct AccessRule: Hashable, Sendable {
    /// Who the rule admits.
    public enum Audience: Hashable, Sendable {
        /// Anyone, authenticated or not (health checks, the API description).
        case anonymous
        /// A caller holding the role.
        case role(Role)
    }

    public var audience: Audience
    public var scope: AccessScope

    public init(_ audience: Audience, scope: AccessScope) {
        self.audience = audience
        self.scope = scope
    }
}
