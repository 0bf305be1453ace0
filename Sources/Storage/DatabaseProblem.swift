/// How a `DatabaseError` should reach a client: plain values for an RFC 9457 problem document.
///
/// Storage does not know HTTP types; `Portal` turns this into a response in its single error mapping.
public struct DatabaseProblem: Sendable, Hashable {
    /// The HTTP status code (RFC 9110 §15).
    public var status: Int
    /// The problem type URI reference (RFC 9457 §3.1.1).
    public var type: String
    /// A short summary that is the same for every occurrence of the type.
    public var title: String
    /// An explanation for this occurrence, free of personal data and bound values.
    public var detail: String
    /// Seconds after which a retry may succeed (`Retry-After`, RFC 9110 §10.2.3), for 503s.
    public var retryAfterSeconds: Int?
}

extension DatabaseError {
    /// The problem this error becomes at the HTTP boundary.
    ///
    /// Integrity violations are the client's conflict (409); an unreachable, overloaded or timed-out
    /// database is the service being unavailable (503, retry later); anything else is our fault (500).
    public var problem: DatabaseProblem {
        switch sqlState {
        case SQLState.uniqueViolation?:
            return DatabaseProblem(
                status: 409, type: "/problems/conflict", title: "Conflict",
                detail: "The resource already exists" + (constraint.map { " (\($0))" } ?? "") + ".")
        case SQLState.foreignKeyViolation?:
            return DatabaseProblem(
                status: 409, type: "/problems/conflict", title: "Conflict",
                detail: "The request refers to, or is referred to by, another resource"
                    + (constraint.map { " (\($0))" } ?? "") + ".")
        case SQLState.checkViolation?, SQLState.notNullViolation?:
            return DatabaseProblem(
                status: 422, type: "/problems/constraint-violation", title: "Constraint violated",
                detail: "A value breaks a rule of the database" + (constraint.map { " (\($0))" } ?? "") + ".")
        default:
            break
        }
        if code == .invalidParameter {
            return DatabaseProblem(
                status: 400, type: "/problems/invalid-value", title: "Invalid value",
                detail: "A value cannot be stored (for example, text containing a NUL character).")
        }
        switch code {
        case .embeddedCluster:
            return DatabaseProblem(
                status: 503, type: "/problems/database-unavailable", title: "Database unavailable",
                detail: "The private database cluster could not be started or stopped.", retryAfterSeconds: 10)
        case .migrationChanged, .migrationMissing, .migrationInvalid:
            return DatabaseProblem(
                status: 503, type: "/problems/database-not-ready", title: "Database not ready",
                detail: "The database schema does not match this version's migrations.", retryAfterSeconds: 30)
        default:
            break
        }
        if isUnavailable {
            let detail: String
            switch code {
            case .poolTimeout: detail = "All database connections are busy; try again shortly."
            case .server where sqlState == SQLState.queryCanceled:
                detail = "The database took too long to answer."
            case .server where isTransactionRetryable:
                detail = "The request conflicted with concurrent requests; try again."
            default: detail = "The database is not reachable right now; try again shortly."
            }
            return DatabaseProblem(
                status: 503, type: "/problems/database-unavailable", title: "Database unavailable",
                detail: detail, retryAfterSeconds: 2)
        }
        return DatabaseProblem(
            status: 500, type: "/problems/internal-error", title: "Internal error",
            detail: "The database reported an unexpected error.")
    }
}
