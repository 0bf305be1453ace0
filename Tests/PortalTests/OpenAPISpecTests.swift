import Foundation
import TestSupport
import Testing

import HTTPServer

@testable import Portal

/// The API contract (issue 11): `openapi.yaml` is valid OpenAPI 3.1, its examples validate, every operation
/// declares `x-roles`, the walkthrough in `docs/api.md` calls real operations with valid bodies, and the
/// operations without `x-status: planned` are exactly those the server routes.
///
/// The checks themselves live in `scripts/check-openapi.py`, which uses independent implementations
/// (openapi-spec-validator, jsonschema Draft 2020-12) installed by `scripts/bootstrap --test`.
@Suite struct OpenAPISpecTests {
    @Test(.timeLimit(.minutes(3)))
    func specExamplesRolesAndWalkthroughValidate() async throws {
        let run = try await CheckerRun.run(arguments: [])
        #expect(run.status == 0, "scripts/check-openapi.py failed:\n\(run.standardError)\(run.standardOutput)")
        #expect(run.standardOutput.contains("check-openapi: ok"))
    }

    @Test(.timeLimit(.minutes(3)))
    func routerServesExactlyTheUnplannedOperations() async throws {
        let run = try await CheckerRun.run(arguments: ["--served"])
        try #require(run.status == 0, "scripts/check-openapi.py --served failed:\n\(run.standardError)")
        let served = Set(run.standardOutput.split(separator: "\n").map(String.init))
        let operations = PortalRoutes.operations(.init(openAPIDocument: [], readiness: { nil }))
        let routed = Set(
            PortalApplication(operations: operations).makeRouter().routeTable.map {
                "\($0.method.rawValue) \($0.template)"
            })
        #expect(
            routed == served,
            """
            routed but not in the spec: \(routed.subtracting(served).sorted()); \
            in the spec but not routed: \(served.subtracting(routed).sorted())
            """)
        #expect(!served.isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func routedOperationIdsAreTheSpecsOnes() throws {
        let declared = Dictionary(
            uniqueKeysWithValues: AccessMatrixTests.declared.filter(\.served).map {
                ("\($0.method) \($0.path)", $0.operationId)
            })
        let operations = PortalRoutes.operations(.init(openAPIDocument: [], readiness: { nil }))
        for operation in operations {
            #expect(
                declared["\(operation.method.rawValue) \(operation.path)"] == operation.id,
                "\(operation.method.rawValue) \(operation.path) is routed as \(operation.id)")
        }
    }
}

/// One run of `python3 scripts/check-openapi.py` from the package root, with its exit status and output.
struct CheckerRun {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The package root: three levels above this file (`Tests/PortalTests/OpenAPISpecTests.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the checker to completion, off Swift's shared pool.
    static func run(arguments: [String]) async throws -> CheckerRun {
        CheckerRun(try await ToolRun.run("python3", ["scripts/check-openapi.py"] + arguments, in: packageRoot))
    }

    /// `run` for a static property (the checker's `--operations-json` answers at once).
    static func make(arguments: [String]) throws -> CheckerRun {
        CheckerRun(try ToolRun.runBlocking("python3", ["scripts/check-openapi.py"] + arguments, in: packageRoot))
    }

    init(_ run: ToolRun) {
        self.init(status: run.status, standardOutput: run.output, standardError: run.errors)
    }

    init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}
