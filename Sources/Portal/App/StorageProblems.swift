import HTTPServer
import Storage

/// Storage errors as problem documents: the one place where `Storage` meets HTTP.
///
/// `Storage` says how grave an error is (status, a detail free of bound values, `Retry-After`); the
/// problem type comes from the portal's catalogue (docs/api.md) so clients see one vocabulary.
enum StorageProblems {
    /// The problem for `error`, or nil when it is not a storage error.
    static func problem(for error: any Error) -> Problem? {
        let status: HTTPStatus
        let detail: String
        let retryAfter: Int?
        switch error {
        case let error as DatabaseError:
            let problem = error.problem
            (status, detail, retryAfter) = (HTTPStatus(code: problem.status), problem.detail, problem.retryAfterSeconds)
        case is BlobStoreError:
            (status, detail, retryAfter) = (
                .serviceUnavailable, "The image store cannot be reached right now; try again shortly.", 5
            )
        default:
            return nil
        }
        let entry = PortalProblem.catalogueType(for: status) ?? ("/problems/internal-error", "Internal error")
        var headers: HTTPFields = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return Problem(status: status, type: entry.type, title: entry.title, detail: detail, headers: headers)
    }
}
