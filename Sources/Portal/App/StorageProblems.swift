import HTTPServer
import Storage

/// Storage errors as problem documents: the one place where `Storage` meets HTTP.
///
/// `Storage` classifies its errors (a code, the server's SQLSTATE, `isUnavailable`) and knows nothing of
/// HTTP; this mapping decides the status, a `detail` free of bound values and personal data, and
/// `Retry-After`. The problem type comes from the portal's catalogue (docs/api.md) so clients see one
/// vocabulary.
enum StorageProblems {
    /// Seconds a client should wait before retrying (`Retry-After`, RFC 9110 §10.2.3).
    enum RetryAfter {
        /// The database is unreachable, restarting, busy or slow: a retry soon may succeed.
        static let unavailable = 2
        /// The private cluster could not be started or stopped.
        static let clusterTrouble = 10
        /// The schema does not match this version's migrations: an operator has to act.
        static let schemaMismatch = 30
        /// The blob store cannot be reached.
        static let blobStore = 5
    }

    /// The problem for `error`, or nil when it is not a storage error.
    static func problem(for error: any Error) -> Problem? {
        let status: HTTPStatus
        let detail: String
        let retryAfter: Int?
        switch error {
        case let error as DatabaseError:
            (status, detail, retryAfter) = outcome(of: error)
        case is BlobStoreError:
            (status, detail, retryAfter) = (
                .serviceUnavailable, "The image store cannot be reached right now; try again shortly.",
                RetryAfter.blobStore
            )
        default:
            return nil
        }
        let entry = PortalProblem.catalogueType(for: status) ?? ("/problems/internal-error", "Internal error")
        var headers: HTTPFields = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return Problem(status: status, type: entry.type, title: entry.title, detail: detail, headers: headers)
    }

    /// Status, detail and `Retry-After` of a database error.
    ///
    /// Integrity violations are the client's conflict (409) or invalid value (422, 400); an unreachable,
    /// restarting, overloaded or timed-out database is the service being unavailable (503, retry later);
    /// anything else is our fault (500). Constraint names are ours (schema, not data), so they may be shown.
    static func outcome(of error: DatabaseError) -> (status: HTTPStatus, detail: String, retryAfter: Int?) {
        let constraint = error.constraint.map { " (\($0))" } ?? ""
        switch error.sqlState {
        case DatabaseError.SQLState.uniqueViolation?:
            return (.conflict, "The resource already exists\(constraint).", nil)
        case DatabaseError.SQLState.foreignKeyViolation?:
            return (.conflict, "The request refers to, or is referred to by, another resource\(constraint).", nil)
        case DatabaseError.SQLState.checkViolation?, DatabaseError.SQLState.notNullViolation?:
            return (.unprocessableContent, "A value breaks a rule of the database\(constraint).", nil)
        default:
            break
        }
        switch error.code {
        case .invalidParameter:
            return (.badRequest, "A value cannot be stored (for example, text containing a NUL character).", nil)
        case .embeddedCluster:
            return (
                .serviceUnavailable, "The private database cluster could not be started or stopped.",
                RetryAfter.clusterTrouble
            )
        case .migrationChanged, .migrationMissing, .migrationInvalid:
            return (
                .serviceUnavailable, "The database schema does not match this version's migrations.",
                RetryAfter.schemaMismatch
            )
        default:
            break
        }
        guard error.isUnavailable else {
            return (.internalServerError, "The database reported an unexpected error.", nil)
        }
        let detail: String
        switch error.code {
        case .poolTimeout: detail = "All database connections are busy; try again shortly."
        case .serverDown: detail = "The database is restarting; try again shortly."
        case .server where error.sqlState == DatabaseError.SQLState.queryCanceled:
            detail = "The database took too long to answer."
        case .server where error.isTransactionRetryable:
            detail = "The request conflicted with concurrent requests; try again."
        default: detail = "The database is not reachable right now; try again shortly."
        }
        return (.serviceUnavailable, detail, RetryAfter.unavailable)
    }
}
