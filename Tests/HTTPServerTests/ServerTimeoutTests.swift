import HTTPServer
import TestSupport
import Testing

/// Deadlines and the connection cap, with short timeouts so the suite stays quick.
@Suite(.timeLimit(.minutes(2)))
struct ServerTimeoutTests {
    static func configure(_ configuration: inout HTTPServer.Configuration) {
        configuration.headTimeout = .milliseconds(600)
        configuration.bodyTimeout = .milliseconds(600)
        configuration.idleTimeout = .milliseconds(600)
        configuration.writeTimeout = .milliseconds(600)
        configuration.lingerTimeout = .milliseconds(300)
    }

    static func makeRouter() -> Router {
        var router = Router()
        router.get("/") { _, _ in .text("ok") }
        router.post("/upload") { request, _ in .text("\(try await request.body.collect(upTo: .max).count)") }
        router.get("/huge") { _, _ in
            Response(body: .stream { writer in
                let chunk = [UInt8](repeating: 0x41, count: 256 * 1024)
                while true { try await writer.write(chunk) }
            })
        }
        return router
    }

    @Test func slowHeadGets408AndDoesNotDelayOthers() async throws {
        // A head timeout long enough that "served before the slow client timed out" is unambiguous on a
        // loaded machine.
        let configure: (inout HTTPServer.Configuration) -> Void = {
            Self.configure(&$0)
            $0.headTimeout = .seconds(3)
        }
        try await withRunningServer(router: Self.makeRouter(), configure: configure) { server in
            let slow = try RawHTTPClient(port: server.boundPort)
            try slow.send("GET / HTTP/1.1\r\nHost:")
            let other = try RawHTTPClient(port: server.boundPort)
            let start = ContinuousClock.now
            try other.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse().text == "ok")
            #expect(ContinuousClock.now - start < .seconds(2))
            let response = try slow.readResponse()
            #expect(response.status == 408)
            #expect(response.headers["connection"] == "close")
            #expect(try slow.readsEndOfStream())
        }
    }

    @Test func silentConnectionIsClosedWithoutAResponse() async throws {
        try await withRunningServer(router: Self.makeRouter(), configure: Self.configure) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            #expect(try client.readsEndOfStream())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        let configure: (inout HTTPServer.Configuration) -> Void = {
            Self.configure(&$0)
            $0.idleTimeout = .milliseconds(1500)
        }
        try await withRunningServer(router: Self.makeRouter(), configure: configure) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            let start = ContinuousClock.now
            #expect(try client.readsEndOfStream())
            #expect(ContinuousClock.now - start >= .milliseconds(500))
        }
    }

    @Test func stalledBodyGets408() async throws {
        try await withRunningServer(router: Self.makeRouter(), configure: Self.configure) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.headers["connection"] == "close")
        }
    }

    @Test func clientThatNeverReadsIsDroppedAfterTheWriteTimeout() async throws {
        try await withRunningServer(router: Self.makeRouter(), configure: Self.configure) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n")
            // On a loaded machine the whole life of the connection (600 ms) may pass between two polls, so
            // "it was served" is read from the client's side: response bytes arrived, unread.
            try await pollUntil(timeout: .seconds(30)) { client.hasUnreadBytes }
            try await pollUntil(timeout: .seconds(30)) { server.connectionCount == 0 }
        }
    }

    @Test func connectionsBeyondTheCapGet503() async throws {
        try await withRunningServer(router: Self.makeRouter(), configure: { $0.maxConnections = 2 }) { server in
            let first = try RawHTTPClient(port: server.boundPort)
            let second = try RawHTTPClient(port: server.boundPort)
            try await pollUntil(timeout: .seconds(30)) { server.connectionCount == 2 }
            let third = try RawHTTPClient(port: server.boundPort)
            let refused = try third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "1")
            let requestID = try #require(refused.headers["x-request-id"])
            #expect(refused.text.contains("\"requestId\":\"\(requestID)\""))
            for client in [first, second] {
                try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }
    }
}

/// Polls `condition` every 10 ms until it holds, failing after `timeout`.
func pollUntil(timeout: Duration, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
