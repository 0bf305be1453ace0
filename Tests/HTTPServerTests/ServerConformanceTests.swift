import HTTPServer
import TestSupport
import Testing

/// Cases an outside RFC 9110/9112 conformance suite found (issue 16), through a real socket: invalid
/// `Host` values, malformed chunked bodies met while a handler reads, a higher minor version, an unknown
/// expectation.
@Suite(.timeLimit(.minutes(2)))
struct ServerConformanceTests {
    static func makeRouter() -> Router {
        var router = Router()
        router.get("/") { request, _ in .text("root \(request.headers["Host"] ?? "-")") }
        // Reads the whole body, then answers.
        router.post("/collect", bodyLimit: 1 << 20) { request, _ in
            .text("\(try await request.body.collect(upTo: .max).count)")
        }
        // Reads chunk by chunk, then answers.
        router.post("/count", bodyLimit: 1 << 20) { request, _ in
            var total = 0
            for try await chunk in request.body { total += chunk.count }
            return .text("\(total)")
        }
        // Answers at once with a stream that reads the body (like the benchmark's /echo): the head waits
        // for the first byte of content, so a body that fails before it still gets its 400.
        router.post("/echo", bodyLimit: 1 << 20) { request, _ in
            Response(body: .stream { writer in
                for try await chunk in request.body { try await writer.write(chunk) }
            })
        }
        return router
    }

    /// Sends `request` plus a second request that must never be answered; expects `status` as a problem
    /// document with `Connection: close`, then the end of the stream.
    static func expectRefusal(_ request: String, status: Int, port: Int, _ comment: Comment) throws {
        let client = try RawHTTPClient(port: port)
        try client.send(request + "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == status, comment)
        #expect(response.headers["connection"] == "close", comment)
        #expect(response.headers["content-type"] == "application/problem+json", comment)
        #expect(response.text.contains("\"status\":\(status)"), comment)
        #expect(try client.readToEnd().isEmpty, comment)
    }

    // MARK: Host (RFC 9112 §3.2, RFC 9110 §7.2, RFC 3986 §3.2.2)

    static let invalidHosts = [
        "a b", "a/b", "a@b", "a?b", "a#b", "a\\b", "[::1", "::1", "[::1]x", "[fe80::1%25eth0]", "[1:2]",
        "a:b", "a:80:90", ":80", "%zz.example", "ex\u{E9}.org", "a\"b", "[v1.]", "[]",
    ]

    @Test(arguments: invalidHosts)
    func refusesInvalidHost(host: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            try Self.expectRefusal(
                "GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n", status: 400, port: server.boundPort, "Host: \(host)")
        }
    }

    static let hostCountCases = [
        ("missing in 1.1", "GET / HTTP/1.1\r\n\r\n"),
        ("two lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        ("two lines in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("invalid in 1.0", "GET / HTTP/1.0\r\nHost: a b\r\n\r\n"),
        ("list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n"),
    ]

    @Test(arguments: hostCountCases)
    func refusesMissingOrRepeatedHost(name: String, request: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            try Self.expectRefusal(request, status: 400, port: server.boundPort, "\(name)")
        }
    }

    static let validHosts = [
        "example.org", "EXAMPLE.org.", "example.org:8080", "example.org:", "127.0.0.1", "127.0.0.1:80",
        "1.2.3.256", "[::1]", "[::1]:8443", "[2001:db8::ffff:192.0.2.1]", "[v7.fe80::a+en1]",
        "xn--bcher-kva.example", "a%2Eb", "!$&'()*+,;=-._~", "",
    ]

    @Test func acceptsEveryValidHostFormAndKeepsAlive() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            for host in Self.validHosts {
                try client.send("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200, "Host: \(host)")
                #expect(response.text == "root \(host)", "Host: \(host)")
            }
            try client.send("GET / HTTP/1.0\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    // MARK: Version and expectations (RFC 9110 §2.5, §10.1.1)

    @Test(arguments: ["HTTP/1.2", "HTTP/1.9"])
    func processesAHigherMinorVersionAsHTTP11(version: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET / \(version)\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "root t")
            // Kept alive as 1.1 would be.
            try client.send("GET / HTTP/1.1\r\nHost: u\r\n\r\n")
            #expect(try client.readResponse().text == "root u")
            try Self.expectRefusal("GET / \(version)\r\n\r\n", status: 400, port: server.boundPort, "no Host")
        }
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9"])
    func refusesOtherMajorVersionsWith505(version: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            try Self.expectRefusal(
                "GET / \(version)\r\nHost: t\r\n\r\n", status: 505, port: server.boundPort, "\(version)")
        }
    }

    static let unknownExpectations = [
        "Expect: 200-ok", "Expect: 100-continue, x", "Expect: 100-continue=1", "Expect: foo\r\nExpect: 100-continue",
        "Expect: 100-continuex",
    ]

    @Test(arguments: unknownExpectations)
    func refusesUnknownExpectationWith417(field: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            try Self.expectRefusal(
                "POST /collect HTTP/1.1\r\nHost: t\r\n\(field)\r\nContent-Length: 2\r\n\r\nok", status: 417,
                port: server.boundPort, "\(field)")
            try Self.expectRefusal(
                "GET / HTTP/1.1\r\nHost: t\r\n\(field)\r\n\r\n", status: 417, port: server.boundPort, "GET \(field)")
        }
    }

    @Test func stillHonoursContinueInAnyCase() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /collect HTTP/1.1\r\nHost: t\r\nExpect: 100-CONTINUE\r\nContent-Length: 2\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("ok")
            #expect(try client.readResponse().text == "2")
        }
    }
}
