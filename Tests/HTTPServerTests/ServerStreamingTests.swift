import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// Bodies in both directions: 100-continue, chunked, streamed and file responses, backpressure.
@Suite(.timeLimit(.minutes(3)))
struct ServerStreamingTests {
    static func makeRouter(gate: AsyncStream<Void>? = nil) -> Router {
        var router = Router()
        router.post("/echo", bodyLimit: 1 << 30) { request, _ in
            Response(headers: ["Content-Type": "application/octet-stream"], body: .stream { writer in
                for try await chunk in request.body { try await writer.write(chunk) }
            })
        }
        router.post("/discard", bodyLimit: 4 << 30) { request, _ in
            var total = 0
            for try await chunk in request.body { total += chunk.count }
            return .text("\(total)")
        }
        router.put("/guarded", bodyLimit: 1024) { request, _ in
            guard request.headers["Authorization"] != nil else {
                throw Problem(status: .unauthorized, detail: "Credentials are required.")
            }
            return .text("\(try await request.body.collect(upTo: .max).count)")
        }
        router.get("/pattern") { request, _ in
            let size = Int(request.query["size"] ?? "0") ?? 0
            let chunked = request.query["chunked"] == "1"
            return Response(body: .stream(length: chunked ? nil : Int64(size)) { writer in
                var offset = 0
                while offset < size {
                    let count = min(100_003, size - offset)
                    try await writer.write(ServerStreamingTests.pattern(from: offset, count: count))
                    offset += count
                }
            })
        }
        router.get("/file") { request, _ in
            let path = request.query["path"] ?? ""
            return Response(body: .file(try FileRegion(path: path, offset: 10, length: 1_000_000)))
        }
        router.post("/offloop") { request, _ in
            // Body and writer used from the global executor: the connection hops to its loop itself.
            let body = try await withTaskExecutorPreference(globalConcurrentExecutor) {
                try await request.body.collect(upTo: 1 << 20)
            }
            return Response(body: .stream { writer in
                try await withTaskExecutorPreference(globalConcurrentExecutor) {
                    try await writer.write(body.reversed())
                }
            })
        }
        if let gate {
            router.post("/slow", bodyLimit: 1 << 30) { request, _ in
                var iterator = request.body.makeAsyncIterator()
                _ = try await iterator.next()
                for await _ in gate { break }
                return .text("released")
            }
        }
        return router
    }

    static func pattern(from offset: Int, count: Int) -> [UInt8] {
        (offset..<(offset + count)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    @Test func sends100ContinueOnlyWhenTheHandlerReads() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("PUT /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("hello")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "5")
        }
    }

    @Test func refusesWithoutReadingAndWithout100Continue() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("PUT /guarded HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 401)
            #expect(response.headers["connection"] == "close")
            #expect(try client.readsEndOfStream())

            let big = try RawHTTPClient(port: server.boundPort)
            try big.send("PUT /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            let tooLarge = try big.readResponse()
            #expect(tooLarge.status == 413)
            #expect(tooLarge.headers["connection"] == "close")
        }
    }

    @Test func bodyAndWriterWorkFromAnotherExecutor() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /offloop HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            #expect(try client.readResponse().text == "cba")
        }
    }

    @Test func echoesAChunkedBodyAsAChunkedStream() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("5\r\nhello\r\n")
            try client.send("6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["transfer-encoding"] == "chunked")
            #expect(response.text == "hello world")
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try client.readResponse().text == "abc")
        }
    }

    @Test(arguments: [false, true])
    func streamsLargeResponses(chunked: Bool) async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let size = 1_500_000
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /pattern?size=\(size)&chunked=\(chunked ? 1 : 0) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["content-length"] == (chunked ? nil : "\(size)"))
            #expect(response.body == Self.pattern(from: 0, count: size))
        }
    }

    @Test func http10StreamWithoutLengthEndsByClosing() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /pattern?size=1000&chunked=1 HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["connection"] == "close")
            #expect(response.body == Self.pattern(from: 0, count: 1000))
        }
    }

    @Test func sendsFileRegionsAndAnswersHeadForThem() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("region-\(UUID().uuidString)").path
        let content = Self.pattern(from: 0, count: 1_200_000)
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withRunningServer(router: Self.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /file?path=\(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["content-length"] == "1000000")
            #expect(response.body == Array(content[10..<1_000_010]))
            try client.send("HEAD /file?path=\(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(isHeadRequest: true)
            #expect(head.headers["content-length"] == "1000000")
            try client.send("GET /file?path=/nonexistent/file HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 500)
        }
    }

    @Test func slowConsumerStopsTheSocketBeingRead() async throws {
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        try await withRunningServer(router: Self.makeRouter(gate: gate)) { server in
            let client = try RawHTTPClient(port: server.boundPort, timeout: .seconds(2))
            let total = 512 * 1024 * 1024
            try client.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: \(total)\r\n\r\n")
            let accepted = client.sendFiller(count: total)
            // Kernel buffers on both sides plus the server's bounded queue: far below what was offered.
            #expect(accepted < 64 * 1024 * 1024)
            open.yield()
            _ = client
        }
    }

    @Test func memoryStaysFlatWhileTwoGiBPassThrough() async throws {
        try await withRunningServer(router: Self.makeRouter()) { server in
            let total = 2 * 1024 * 1024 * 1024
            let baseline = residentBytes()
            let peak = Atomic<Int>(baseline)
            let done = Atomic<Bool>(false)
            async let sampler: Void = {
                while !done.load(ordering: .relaxed) {
                    peak.store(max(peak.load(ordering: .relaxed), residentBytes()), ordering: .relaxed)
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }()
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("POST /discard HTTP/1.1\r\nHost: t\r\nContent-Length: \(total)\r\n\r\n")
            #expect(client.sendFiller(count: total) == total)
            let response = try client.readResponse()
            done.store(true, ordering: .relaxed)
            await sampler
            #expect(response.text == "\(total)")
            #expect(peak.load(ordering: .relaxed) - baseline < 64 * 1024 * 1024)
        }
    }
}

/// Resident set size of this process (the test and the server under test), from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
}
