import HTTPServer
import Logging
import Synchronization
import TestSupport
import Testing

/// Keeps log lines in memory so tests can check what was (and was not) logged.
final class MemoryLog: Sendable {
    let lines = Mutex<[String]>([])

    var handler: @Sendable (String) -> any LogHandler {
        { [self] _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: MemoryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.level) \(event.message) " + all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " ")
            log.lines.withLock { $0.append(text) }
        }
    }
}

/// Middleware order, user middleware and the access log.
@Suite(.timeLimit(.minutes(2)))
struct MiddlewareTests {
    struct TagMiddleware: Middleware {
        func handle(_ request: Request, context: RequestContext, next: Responder) async throws -> Response {
            if request.headers["X-Block"] != nil { throw Problem(status: .forbidden, detail: "Blocked.") }
            var response = try await next(request, context)
            response.headers["X-Tag"] = context.route ?? "none"
            return response
        }
    }

    @Test func accessLogNamesTheRouteTemplateNotTheTarget() async throws {
        let memory = MemoryLog()
        let logger = Logger(label: "access", factory: memory.handler)
        var router = Router()
        router.get("/patients/{pseudonym}") { _, _ in .text("ok") }
        try await withRunningServer(router: router, logger: logger) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /patients/JOHN-DOE-1234?name=John HTTP/1.1\r\nHost: t\r\nX-Request-ID: req-1\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        let lines = memory.lines.withLock { $0 }
        let access = try #require(lines.first { $0.contains("request") && $0.contains("http.route") })
        #expect(access.contains("http.route=/patients/{pseudonym}"))
        #expect(access.contains("http.status=200"))
        #expect(access.contains("request.id=req-1"))
        #expect(!lines.joined().contains("JOHN-DOE"))
        #expect(!lines.joined().contains("John"))
    }

    @Test func userMiddlewareSeesTheRouteAndItsErrorsAreRendered() async throws {
        var router = Router()
        router.get("/items/{id}") { _, _ in .text("item") }
        try await withRunningServer(router: router, middleware: [TagMiddleware()]) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["x-tag"] == "/items/{id}")
            try client.send("GET /items/7 HTTP/1.1\r\nHost: t\r\nX-Block: 1\r\n\r\n")
            let blocked = try client.readResponse()
            #expect(blocked.status == 403)
            #expect(blocked.headers["content-type"] == "application/problem+json")
            #expect(blocked.headers["x-request-id"] != nil)
        }
    }

    @Test func problemRendersRFC9457Members() {
        let problem = Problem(
            status: .conflict, type: "https://example.org/problems/state", detail: "Line\n\"quoted\"",
            extensions: ["requestId": "r-1"])
        #expect(
            problem.json
                == #"{"type":"https://example.org/problems/state","title":"Conflict","status":409,"detail":"Line\n\"quoted\"","requestId":"r-1"}"#
        )
        #expect(problem.response.headers["Content-Type"] == "application/problem+json")
    }
}
