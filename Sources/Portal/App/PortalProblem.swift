import HTTPServer

/// The problem types of the portal (docs/api.md, "Problem types"): `type` URI, title and status.
///
/// Every problem the portal sends carries one of these types and the request ID, so a client can branch
/// on `type` and an operator can find the request in the logs.
enum PortalProblem {
    /// The catalogue entry for a status, used when a lower layer answered with `about:blank`.
    static func catalogueType(for status: HTTPStatus) -> (type: String, title: String)? {
        switch status.code {
        case 400: ("/problems/malformed-request", "Malformed request")
        case 401: ("/problems/unauthenticated", "Authentication required")
        case 403: ("/problems/forbidden", "Forbidden")
        case 404: ("/problems/not-found", "Not found")
        case 405: ("/problems/method-not-allowed", "Method not allowed")
        case 406: ("/problems/not-acceptable", "Not acceptable")
        case 409: ("/problems/duplicate", "Already exists")
        case 412: ("/problems/stale-etag", "Precondition failed")
        case 413: ("/problems/payload-too-large", "Payload too large")
        case 415: ("/problems/unsupported-media-type", "Unsupported media type")
        case 416: ("/problems/range-not-satisfiable", "Range not satisfiable")
        case 422: ("/problems/validation-failed", "Validation failed")
        case 428: ("/problems/precondition-required", "Precondition required")
        case 429: ("/problems/rate-limited", "Too many requests")
        case 500: ("/problems/internal-error", "Internal error")
        case 503: ("/problems/unavailable", "Service unavailable")
        default: nil
        }
    }

    /// 401: no credentials where some are needed, or credentials that are not valid.
    static func unauthenticated(detail: String) -> Problem {
        Problem(
            status: .unauthorized, type: "/problems/unauthenticated", title: "Authentication required",
            detail: detail, headers: ["WWW-Authenticate": "Bearer realm=\"portal\""])
    }

    /// 403: authenticated, but the role may not do this here.
    static func forbidden(operation: String) -> Problem {
        Problem(
            status: .forbidden, type: "/problems/forbidden", title: "Forbidden",
            detail: "Your roles do not allow \(operation) on this resource.")
    }

    /// 503 from `/readyz`.
    static func notReady(detail: String) -> Problem {
        Problem(
            status: .serviceUnavailable, type: "/problems/not-ready", title: "Not ready", detail: detail,
            headers: ["Retry-After": "5"])
    }
}
