import HTTPServer
import TestSupport
import Testing

/// Routing, framing and error rendering through a real socket.
@Suite(.timeLimit(.minutes(2)))
struct ServerRoutingTests {
    static func makeRouter() -> Router {
        var router = Router()
        router.get("/hello") { _, _ in .text("hello") }
        router.get("/studies/{study}/series/{series}") { _, context in
            .text("\(context.parameters["study"] ?? "")|\(context.parameters["series"] ?? "")")
        }
        router.get("/studies/new") { _, _ in .text("literal") }
        router.post("/echo") { request, _ in
            Response(body: .bytes(try await request.body.collect(upTo: 1 << 20)))
        }
        router.get("/query") { request, _ in
            .text(request.query.values("a").joined(separator: ",") + ";" + (request.query["b"] ?? "-"))
        }
        router.get("/boom") { _, _ in throw CancellationError() }
        router.get("/teapot") { _, _ in throw Problem(status: HTTPStatus(code: 418), detail: "short and stout") }
        return router
    }

    @Test func servesGetWithDateLengthAndRequestID() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["content-length"] == "5")
            #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
            #expect(response.headers["x-request-id"]?.isEmpty == false)
            #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        }
    }

    @Test func echoesAValidIncomingRequestID() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n")
            #expect(try client.readResponse().headers["x-request-id"] == "abc-123")
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-ID: bad id\r\n\r\n")
            #expect(try client.readResponse().headers["x-request-id"] != "bad id")
        }
    }

    @Test func matchesTemplatesWithDecodedParametersAndLiteralPrecedence() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /studies/1.2%2F3/series/x%20y HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "1.2/3|x y")
            try client.send("GET /studies/new HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "literal")
            try client.send("GET /query?a=1&b=two+words&a=%C3%A9 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "1,é;two words")
        }
    }

    @Test func answers404And405WithAllowAsProblemJSON() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
            let missing = try client.readResponse()
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"] == "application/problem+json")
            #expect(missing.text.contains("\"status\":404"))
            try client.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let wrongMethod = try client.readResponse()
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["allow"] == "GET, HEAD")
            try client.send("GET /studies/../hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 400)
        }
    }

    @Test func rendersThrownErrorsAsProblems() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /teapot HTTP/1.1\r\nHost: t\r\n\r\n")
            let teapot = try client.readResponse()
            #expect(teapot.status == 418)
            #expect(teapot.text.contains("\"detail\":\"short and stout\""))
            try client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
            let boom = try client.readResponse()
            #expect(boom.status == 500)
            let requestID = try #require(boom.headers["x-request-id"])
            #expect(boom.text.contains("\"requestId\":\"\(requestID)\""))
            #expect(!boom.text.contains("CancellationError"))
        }
    }

    @Test func answersHeadWithGetFieldsAndNoBody() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(isHeadRequest: true)
            #expect(head.status == 200)
            #expect(head.headers["content-length"] == "5")
            #expect(head.body.isEmpty)
            // The next response starts right after the head: no body bytes were sent for HEAD.
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            var batch = ""
            for index in 0..<20 {
                batch += index % 2 == 0
                    ? "GET /studies/\(index)/series/s HTTP/1.1\r\nHost: t\r\n\r\n"
                    : "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(String(index).count)\r\n\r\n\(index)"
            }
            try client.send(batch)
            for index in 0..<20 {
                let response = try client.readResponse()
                #expect(response.text == (index % 2 == 0 ? "\(index)|s" : "\(index)"))
            }
        }
    }

    @Test func http10ClosesUnlessKeepAliveAndConnectionCloseIsHonoured() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let old = try RawHTTPClient(port: server.boundPort)
            try old.send("GET /hello HTTP/1.0\r\n\r\n")
            let response = try old.readResponse()
            #expect(response.text == "hello")
            #expect(response.headers["connection"] == "close")
            #expect(try old.readsEndOfStream())

            let kept = try RawHTTPClient(port: server.boundPort)
            try kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.readResponse().headers["connection"] == "keep-alive")
            try kept.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try kept.readResponse().headers["connection"] == "close")
            #expect(try kept.readsEndOfStream())
        }
    }

    @Test func exposesTheRouteTable() throws {
        let table = Self.makeRouter().routeTable
        #expect(table.contains(RouteDescription(method: .get, template: "/studies/{study}/series/{series}")))
        #expect(table.contains(RouteDescription(method: .post, template: "/echo")))
        #expect(table.count == 7)
    }

    @Test func listensOnIPv6Loopback() async throws {
        try await withRunningServer(router: Self.makeRouter(), configure: { $0.host = "::1" }) { server in
            let client = try RawHTTPClient(host: "::1", port: server.boundPort)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }
}
