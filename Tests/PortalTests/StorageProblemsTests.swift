import HTTPServer
import Storage
import Testing

@testable import Portal

/// The one mapping of storage errors to the catalogue's problem types (docs/api.md, "Problem types").
@Suite struct StorageProblemsTests {
    @Test(arguments: [
        (DatabaseError(code: .connectionFailed), 503, "/problems/unavailable"),
        (DatabaseError(code: .serverDown), 503, "/problems/unavailable"),
        (DatabaseError(code: .poolTimeout), 503, "/problems/unavailable"),
        (DatabaseError(code: .poolClosed), 503, "/problems/unavailable"),
        (DatabaseError(code: .server, sqlState: "57P01"), 503, "/problems/unavailable"),
        (DatabaseError(code: .server, sqlState: "53300"), 503, "/problems/unavailable"),
        (DatabaseError(code: .server, sqlState: "57014"), 503, "/problems/unavailable"),
        (DatabaseError(code: .server, sqlState: "40001"), 503, "/problems/unavailable"),
        (DatabaseError(code: .embeddedCluster), 503, "/problems/unavailable"),
        (DatabaseError(code: .migrationChanged), 503, "/problems/unavailable"),
        (DatabaseError(code: .server, sqlState: "23505"), 409, "/problems/duplicate"),
        (DatabaseError(code: .server, sqlState: "23503"), 409, "/problems/duplicate"),
        (DatabaseError(code: .server, sqlState: "23514"), 422, "/problems/validation-failed"),
        (DatabaseError(code: .server, sqlState: "23502"), 422, "/problems/validation-failed"),
        (DatabaseError(code: .invalidParameter), 400, "/problems/malformed-request"),
        (DatabaseError(code: .server, sqlState: "42601"), 500, "/problems/internal-error"),
        (DatabaseError(code: .decoding), 500, "/problems/internal-error"),
    ])
    func databaseErrorsGetCatalogueTypes(error: DatabaseError, status: Int, type: String) throws {
        let problem = try #require(StorageProblems.problem(for: error))
        #expect(problem.status.code == status)
        #expect(problem.type == type)
        #expect(PortalProblem.catalogueType(for: problem.status)?.type == type)
        // Every 503 tells the client when to come back (RFC 9110 §10.2.3); nothing else does.
        #expect((problem.headers["Retry-After"].flatMap { Int($0) } != nil) == (status == 503))
    }

    @Test func conflictNamesTheConstraintButNeverAValue() throws {
        // The server's message would quote the value; the error keeps only schema names.
        let error = DatabaseError(code: .server, sqlState: "23505", constraint: "people_email_key", table: "people")
        let problem = try #require(StorageProblems.problem(for: error))
        #expect(problem.detail == "The resource already exists (people_email_key).")
    }

    @Test func otherErrorsAreNotStorageProblems() {
        struct Unrelated: Error {}
        #expect(StorageProblems.problem(for: Unrelated()) == nil)
    }
}
