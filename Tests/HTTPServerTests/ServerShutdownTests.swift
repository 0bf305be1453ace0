import Glibc
import HTTPServer
import TestSupport
import Testing

/// Graceful shutdown: stop accepting, finish what is in flight, cut the rest at the deadline.
@Suite(.timeLimit(.minutes(2)))
struct ServerShutdownTests {
    static func makeRouter(started: AsyncStream<Void>.Continuation, gate: AsyncStream<Void>) -> Router {
        var router = Router()
        router.get("/wait") { _, _ in
            started.yield()
            for await _ in gate { break }
            return .text("finished")
        }
        return router
    }

    @Test func finishesTheRequestInFlightAndRefusesNewConnections() async throws {
        let (started, startedInput) = AsyncStream.makeStream(of: Void.self)
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        try await withRunningServer(router: Self.makeRouter(started: startedInput, gate: gate)) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            for await _ in started { break }
            let idle = try RawHTTPClient(port: server.boundPort)
            try await pollUntil(timeout: .seconds(30)) { server.connectionCount == 2 }
            server.shutdown(gracePeriod: .seconds(60))
            // The idle connection is closed at once; new connections are refused.
            #expect(try idle.readsEndOfStream())
            try await pollUntil(timeout: .seconds(30)) { (try? RawHTTPClient(port: server.boundPort)) == nil }
            open.yield()
            let response = try client.readResponse()
            #expect(response.text == "finished")
            #expect(response.headers["connection"] == "close")
            #expect(try client.readsEndOfStream())
        }
    }

    @Test func cutsRequestsStillRunningAtTheDeadline() async throws {
        let (started, startedInput) = AsyncStream.makeStream(of: Void.self)
        let (gate, _) = AsyncStream.makeStream(of: Void.self)
        let start = ContinuousClock.now
        try await withRunningServer(router: Self.makeRouter(started: startedInput, gate: gate)) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            for await _ in started { break }
            server.shutdown(gracePeriod: .milliseconds(300))
            #expect(try client.readsEndOfStream())
        }
        // withRunningServer returned, so run() returned: the stuck handler was cancelled.
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}
