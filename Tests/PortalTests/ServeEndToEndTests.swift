import Foundation
import Testing
import TestSupport

/// `portal serve` as an operator runs it: its own PostgreSQL in the data folder, migrations, the served
/// operations, problem documents, a clean stop on SIGTERM, and the data reused on the next start.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct ServeEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func servesWithItsOwnDatabaseStopsCleanlyAndRestartsOnTheSameData() async throws {
        let data = try TemporaryDirectory.make(prefix: "portal-e2e-")
        defer { data.remove() }

        let first = try PortalProcess(arguments: ["--port", "0", "--data-dir", data.path, "--shutdown-grace", "5"])
        let port = try await first.waitForPort()
        let base = "http://127.0.0.1:\(port)"

        let ready = try await send("GET", base + "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json?["status"] as? String == "ready")
        #expect(ready.json?["migrations"] as? String == "applied")

        let health = try await send("GET", base + "/healthz")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "ok")
        #expect(health.header("X-Request-ID")?.isEmpty == false)

        let spec = try await send("GET", base + "/openapi.yaml")
        #expect(spec.status == 200)
        #expect(spec.header("Content-Type") == "application/yaml")
        #expect(spec.body == (try Data(contentsOf: Self.root.appendingPathComponent("openapi.yaml"))))

        let missing = try await send("GET", base + "/no/such/thing", headers: ["X-Request-ID": "trace-me-1"])
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        #expect(missing.json?["type"] as? String == "/problems/not-found")
        #expect(missing.json?["requestId"] as? String == "trace-me-1")

        let wrongMethod = try await send("DELETE", base + "/healthz")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow")?.contains("GET") == true)
        #expect(wrongMethod.json?["type"] as? String == "/problems/method-not-allowed")

        let badToken = try await send("GET", base + "/healthz", headers: ["Authorization": "Bearer nope"])
        #expect(badToken.status == 401)
        #expect(badToken.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)

        // A request that never parses (HTTP/1.1 without Host) still gets a catalogue problem and an ID.
        let raw = try RawHTTPClient(port: port)
        try raw.send("GET /healthz HTTP/1.1\r\n\r\n")
        let malformed = try raw.readResponse()
        #expect(malformed.status == 400)
        let problem = try JSONSerialization.jsonObject(with: Data(malformed.body)) as? [String: Any]
        #expect(problem?["type"] as? String == "/problems/malformed-request")
        let malformedID = try #require(problem?["requestId"] as? String)
        #expect(malformed.headers["X-Request-ID"] == malformedID)

        try await Self.runSchemathesis(base: base)

        let clusterFolder = try #require(Self.findPostmasterPID(under: data.url))
        #expect(FileManager.default.fileExists(atPath: clusterFolder.path))

        #expect(try await first.stop() == 0, "portal exited badly; log:\n\(first.log)")
        #expect(!FileManager.default.fileExists(atPath: clusterFolder.path), "PostgreSQL still running")
        #expect(!first.log.contains("trace-me-1/no/such"), "raw target logged")

        // Starting again reuses the cluster and applies nothing twice.
        let second = try PortalProcess(arguments: ["--port", "0", "--data-dir", data.path])
        let secondPort = try await second.waitForPort()
        let readyAgain = try await send("GET", "http://127.0.0.1:\(secondPort)/readyz")
        #expect(readyAgain.status == 200)
        #expect(try await second.stop(signal: SIGINT) == 0, "portal exited badly; log:\n\(second.log)")
    }

    /// Schemathesis (an independent client) checks every served operation against openapi.yaml: status
    /// codes, headers, content types and bodies the spec declares, for generated valid and invalid requests.
    static func runSchemathesis(base: String) async throws {
        let served = AccessMatrixTests.declared.filter(\.served).map(\.operationId)
        try #require(!served.isEmpty)
        // Schemathesis parses an application/yaml body into an object before checking it against the
        // spec's `type: string`, so the document's own body schema is left out of its checks.
        let runs: [(operations: [String], extra: [String])] = [
            (served.filter { $0 != "getOpenAPIDocument" }, []),
            (["getOpenAPIDocument"], ["--exclude-checks", "response_schema_conformance"]),
        ]
        for run in runs {
            let result = try await ToolRun.run(
                "st",
                ["run", "openapi.yaml", "--url", base, "--checks", "all", "--max-examples", "30"]
                    + run.operations.flatMap { ["--include-operation-id", $0] } + run.extra,
                in: root, mergingErrors: true)
            #expect(result.status == 0, "schemathesis found problems:\n\(result.output)")
        }
    }

    /// The running cluster's `postmaster.pid`, wherever the data folder layout puts it.
    static func findPostmasterPID(under folder: URL) -> URL? {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.lastPathComponent == "postmaster.pid" { return url }
        }
        return nil
    }
}
