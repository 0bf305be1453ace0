/// The caller of an operation as the policy sees it: who, with which roles, bound where.
public struct Principal: Hashable, Sendable {
    /// A role held by the caller, bound to a centre where the role is a centre's (a centre uploader).
    public struct Grant: Hashable, Sendable {
        public var role: Role
        public var centre: CentreID?
        public init(role: Role, centre: CentreID? = nil) {
            self.role = role
            self.centre = centre
        }
    }

    /// The user; nil for an unauthenticated caller.
    public var user: UserID?
    /// The roles the caller holds.
    public var grants: Set<Grant>
    /// Projects the caller is a member of with an access grant in force now (decided by the caller of the
    /// policy from the grants' periods; the policy itself knows no clock).
    public var projects: Set<ProjectID>

    public init(user: UserID?, grants: Set<Grant> = [], projects: Set<ProjectID> = []) {
        self.user = user
        self.grants = grants
        self.projects = projects
    }

    /// A caller who presented no credentials.
    public static let anonymous = Principal(user: nil)

    /// Whether the caller is authenticated.
    public var isAuthenticated: Bool { user != nil }
}

/// What an operation touches, as far as the policy needs to know: the owners of the resource.
public struct AccessTarget: Hashable, Sendable {
    public var centre: CentreID?
    public var project: ProjectID?
    public var owner: UserID?

    public init(centre: CentreID? = nil, project: ProjectID? = nil, owner: UserID? = nil) {
        self.centre = centre
        self.project = project
        self.owner = owner
    }

    /// An operation on no particular resource (a list of one's own, a health check).
    public static let none = AccessTarget()
}
