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
        // A stream that fails before writing anything.
        router.get("/failing-stream") { _, _ in
            Response(body: .stream { _ in throw CancellationError() })
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

    // MARK: Malformed chunked bodies (RFC 9112 §7.1)

    static let malformedBodies = [
        ("size zz", "zz\r\nabc\r\n0\r\n\r\n"),
        ("size 0x5", "0x5\r\nhello\r\n0\r\n\r\n"),
        ("size -5", "-5\r\nhello\r\n0\r\n\r\n"),
        ("size over 2^64", "1ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        ("data longer than size", "3\r\nhello\r\n0\r\n\r\n"),
        ("data shorter than size", "5\r\nhi\r\n0\r\n\r\n"),
        ("no CRLF after data", "5\r\nhello0\r\n\r\n"),
        ("bad extension", "5;a\u{1}b\r\nhello\r\n0\r\n\r\n"),
        ("extension without semicolon", "5 ext\r\nhello\r\n0\r\n\r\n"),
        ("bad trailer", "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n"),
        ("folded trailer", "5\r\nhello\r\n0\r\nA: b\r\n c\r\n\r\n"),
    ]

    static let bodyRoutes = ["/collect", "/count", "/echo"]

    /// The head arrives first and the handler starts reading; the bad body follows in a later write.
    @Test(arguments: malformedBodies, bodyRoutes)
    func answersMalformedChunkedBodyWith400(body: (name: String, bytes: String), route: String) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST \(route) HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send(body.bytes + "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            let comment: Comment = "\(body.name) on \(route)"
            #expect(response.status == 400, comment)
            #expect(response.headers["connection"] == "close", comment)
            #expect(response.headers["content-type"] == "application/problem+json", comment)
            #expect(response.headers["x-request-id"] != nil, comment)
            let detail = response.text.lowercased()
            #expect(detail.contains("chunk") || detail.contains("trailer"), comment)
            #expect(try client.readToEnd().isEmpty, comment)
        }
    }

    /// Once the head of a streamed answer has left, a failing body can only cut the response short.
    @Test func cutsAStartedResponseShort() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            let bytes = try client.readUntilContains("hello")
            #expect(bytes.hasPrefix("HTTP/1.1 200 OK\r\n"))
            try client.send("zz\r\n")
            let rest = try client.readToEnd()
            // No second status line, and no last chunk: the client sees an incomplete body.
            #expect(!String(decoding: rest, as: UTF8.self).contains("HTTP/1.1"))
            #expect(!(bytes + String(decoding: rest, as: UTF8.self)).hasSuffix("0\r\n\r\n"))
        }
    }

    /// A producer failing before its first byte gets a 500 problem with the request ID, not a dropped socket.
    @Test func answersAStreamFailingBeforeItsFirstByteWith500() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /failing-stream HTTP/1.1\r\nHost: t\r\nX-Request-ID: req-42\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.headers["x-request-id"] == "req-42")
            #expect(response.text.contains("\"requestId\":\"req-42\""))
            #expect(response.headers["connection"] == "close")
            #expect(try client.readsEndOfStream())
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
