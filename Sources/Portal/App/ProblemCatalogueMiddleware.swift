import HTTPServer

/// Gives every problem the portal sends a catalogue `type` and the `requestId` (docs/api.md).
///
/// Errors from lower layers are mapped here, in one place: problems of the HTTP layer (404, 405, 413 …)
/// get their catalogue type, storage errors their status. Unknown errors go on to the server's error
/// middleware, which answers 500 with the request ID and logs the error's type only.
struct ProblemCatalogueMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw Self.decorate(error.problem, requestID: context.requestID)
        } catch {
            if let problem = StorageProblems.problem(for: error) {
                throw Self.decorate(problem, requestID: context.requestID)
            }
            throw error
        }
    }

    static func decorate(_ problem: Problem, requestID: String) -> Problem {
        var problem = problem
        if problem.type == "about:blank", let entry = PortalProblem.catalogueType(for: problem.status) {
            problem.type = entry.type
            problem.title = entry.title
        }
        if !requestID.isEmpty { problem.extensions["requestId"] = requestID }
        return problem
    }
}
