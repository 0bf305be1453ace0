import Foundation
import HTTPServer
import TestSupport
import Testing

/// TLS with a certificate made by the test (openssl CLI) and real clients (curl, openssl s_client).
@Suite(.timeLimit(.minutes(2)))
struct ServerTLSTests {
    /// A self-signed certificate and key in a fresh temporary folder.
    struct Credentials {
        let folder: URL
        var certificate: String { folder.appendingPathComponent("cert.pem").path }
        var key: String { folder.appendingPathComponent("key.pem").path }

        static func make() async throws -> Credentials {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let credentials = Credentials(folder: folder)
            let result = try await ServerTLSTests.run(
                "openssl",
                ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", credentials.key, "-out", credentials.certificate, "-days", "1",
                 "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"])
            guard result.status == 0 else { throw RawHTTPClient.Failure(description: "openssl req failed") }
            return credentials
        }
    }

    /// Runs a client tool to completion; its standard output (standard error is dropped).
    static func run(_ tool: String, _ arguments: [String], input: Data? = nil) async throws -> (status: Int32, output: String) {
        let run = try await ToolRun.run(tool, arguments, input: input ?? Data())
        return (run.status, run.output)
    }

    static func makeRouter() -> Router {
        var router = Router()
        router.get("/hello") { _, _ in .text("hello over tls") }
        router.get("/sets-hsts") { _, _ in
            Response(headers: ["Strict-Transport-Security": "max-age=1; includeSubDomains"], body: .bytes(Array("own".utf8)))
        }
        router.post("/count", bodyLimit: 1 << 30) { request, _ in
            var total = 0
            for try await chunk in request.body { total += chunk.count }
            return .text("\(total)")
        }
        router.get("/file") { request, _ in
            Response(body: .file(try FileRegion(path: request.query["path"] ?? "")))
        }
        return router
    }

    @Test func servesCurlOverTLSWithStreamingBothWays() async throws {
        let credentials = try await Credentials.make()
        defer { try? FileManager.default.removeItem(at: credentials.folder) }
        let payload = credentials.folder.appendingPathComponent("payload").path
        let content = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try content.write(to: URL(fileURLWithPath: payload))
        try await withRunningServer(router: Self.makeRouter(), configure: {
            $0.tls = .init(certificatePath: credentials.certificate, privateKeyPath: credentials.key)
        }) { server in
            let base = "https://127.0.0.1:\(server.boundPort)"
            let hello = try await Self.run("curl", ["-sk", "--http1.1", "\(base)/hello"])
            #expect(hello.output == "hello over tls")
            let upload = try await Self.run("curl", ["-sk", "--http1.1", "--data-binary", "@\(payload)", "\(base)/count"])
            #expect(upload.output == "3000000")
            let copy = credentials.folder.appendingPathComponent("copy").path
            let download = try await Self.run("curl", ["-sk", "--http1.1", "-o", copy, "\(base)/file?path=\(payload)"])
            #expect(download.status == 0)
            #expect(FileManager.default.contents(atPath: copy) == content)
        }
    }

    @Test func negotiatesALPNAndRefusesOldProtocols() async throws {
        let credentials = try await Credentials.make()
        defer { try? FileManager.default.removeItem(at: credentials.folder) }
        try await withRunningServer(router: Self.makeRouter(), configure: {
            $0.tls = .init(certificatePath: credentials.certificate, privateKeyPath: credentials.key)
        }) { server in
            let address = "127.0.0.1:\(server.boundPort)"
            let request = Data("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8)
            let modern = try await Self.run(
                "openssl", ["s_client", "-connect", address, "-alpn", "h2,http/1.1", "-tls1_2", "-ign_eof"],
                input: request)
            #expect(modern.output.contains("ALPN protocol: http/1.1"))
            #expect(modern.output.contains("hello over tls"))
            let old = try await Self.run("openssl", ["s_client", "-connect", address, "-tls1_1"], input: Data())
            #expect(!old.output.contains("hello over tls"))
            #expect(old.status != 0)
        }
    }

    @Test func refusesMissingCertificateFiles() {
        #expect(throws: TLSError.self) {
            _ = try HTTPServer(
                configuration: .init(
                    host: "127.0.0.1", port: 0,
                    tls: .init(certificatePath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")),
                router: Router(), logger: quietLogger())
        }
    }
}
