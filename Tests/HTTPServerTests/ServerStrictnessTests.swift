import HTTPServer
import TestSupport
import Testing

/// Hostile input through a real socket: each case must get its status, `Connection: close`, then EOF.
@Suite(.timeLimit(.minutes(2)))
struct ServerStrictnessTests {
    static func makeRouter() -> Router {
        var router = Router()
        router.post("/upload", bodyLimit: 16) { request, _ in
            .text("\(try await request.body.collect(upTo: .max).count)")
        }
        router.get("/") { _, _ in .text("root") }
        return router
    }

    static let cases: [(name: String, request: String, status: Int)] = [
        ("CL and TE", "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("TE and CL", "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400),
        ("differing CL", "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
        ("bad chunk size", "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n", 400),
        ("chunk overflow", "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n 2\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        ("control character", "GET / HTTP/1.1\r\nHost: t\r\nX-A: \u{1}\r\n\r\n", 400),
        ("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("bare LF", "GET / HTTP/1.1\nHost: t\n\n", 400),
        ("unknown coding", "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("HTTP/2 line", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        ("long target", "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("large head", "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 40_000) + "\r\n\r\n", 431),
        ("declared body over limit", "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 413),
        ("chunked body over limit",
         "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nX\r\n0\r\n\r\n", 413),
    ]

    @Test(arguments: cases)
    func refusesAndCloses(name: String, request: String, status: Int) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send(request + "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == status, "\(name)")
            #expect(response.headers["connection"] == "close", "\(name)")
            #expect(response.headers["content-type"] == "application/problem+json", "\(name)")
            #expect(response.headers["date"] != nil, "\(name)")
            // The smuggled second request must never be answered.
            #expect(try client.readToEnd().isEmpty, "\(name)")
        }
    }

    @Test func acceptsBodyAtTheLimitAndKeepsAlive() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            let response = try client.readResponse()
            #expect(response.text == "16")
            #expect(response.headers["connection"] == nil)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "root")
        }
    }

    @Test func neverEchoesPeerInputInErrors() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /secret-patient-name HTTP/1.1\r\nHost : t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(!response.text.contains("secret-patient-name"))
        }
    }
}
