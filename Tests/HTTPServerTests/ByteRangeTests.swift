import Foundation
import HTTPServer
import TestSupport
import Testing

/// Range requests (RFC 9110 §14): the decision for every form of `Range` and `If-Range`, then files served
/// in parts to a raw client and resumed by curl.
@Suite(.timeLimit(.minutes(2)))
struct ByteRangeTests {
    private func decide(
        _ range: String?, length: Int64 = 100, method: HTTPMethod = .get, ifRange: String? = nil,
        entityTag: String? = "\"v1\"", lastModified: String? = "Mon, 30 Nov 2026 08:00:00 GMT"
    ) -> ByteRangeDecision {
        var headers: HTTPFields = [:]
        if let range { headers.append("Range", range) }
        if let ifRange { headers.append("If-Range", ifRange) }
        let head = RequestHead(method: method, target: "/f", headers: headers)
        return ByteRangeDecision.evaluate(head, length: length, entityTag: entityTag, lastModified: lastModified)
    }

    @Test func oneRangeOfEachFormSelectsItsPart() {
        #expect(decide("bytes=0-9") == .part(offset: 0, length: 10))
        #expect(decide("bytes=90-") == .part(offset: 90, length: 10))
        #expect(decide("bytes=-10") == .part(offset: 90, length: 10))
        #expect(decide("bytes=99-99") == .part(offset: 99, length: 1))
        // Past the end is clamped; a suffix longer than the content is all of it.
        #expect(decide("bytes=50-1000") == .part(offset: 50, length: 50))
        #expect(decide("bytes=-1000") == .part(offset: 0, length: 100))
        #expect(decide("bytes=0-99999999999999999999") == .part(offset: 0, length: 100))
        // The unit is case-insensitive; optional whitespace around the range is allowed.
        #expect(decide("Bytes=0-0") == .part(offset: 0, length: 1))
        #expect(decide(" bytes=1-2 ") == .part(offset: 1, length: 2))
    }

    @Test func aValidRangeStartingAtOrPastTheEndIsUnsatisfiable() {
        #expect(decide("bytes=100-") == .unsatisfiable)
        #expect(decide("bytes=100-200") == .unsatisfiable)
        #expect(decide("bytes=99999999999999999999-") == .unsatisfiable)
        #expect(decide("bytes=-0") == .unsatisfiable)
        #expect(decide("bytes=0-", length: 0) == .unsatisfiable)
        #expect(decide("bytes=-5", length: 0) == .unsatisfiable)
    }

    @Test func anythingElseGetsTheWholeContent() {
        #expect(decide(nil) == .whole)
        // Several ranges: served whole rather than as multipart/byteranges (a server may ignore Range).
        #expect(decide("bytes=0-9,20-29") == .whole)
        // Invalid range sets, other units, other methods, a repeated field, an overlong value.
        for invalid in ["bytes=9-0", "bytes=-", "bytes=a-b", "bytes=1-2-3", "bytes 0-9", "bytes", "items=0-9", "bytes=+1-2"] {
            #expect(decide(invalid) == .whole, "\(invalid)")
        }
        #expect(decide("bytes=0-9", method: .head) == .whole)
        #expect(decide("bytes=0-9", method: .post) == .whole)
        let twice = RequestHead(method: .get, target: "/f", headers: ["Range": "bytes=0-1"])
        var repeated = twice
        repeated.headers.append("Range", "bytes=2-3")
        #expect(ByteRangeDecision.evaluate(repeated, length: 100) == .whole)
        #expect(decide("bytes=" + String(repeating: "0", count: 300) + "-1") == .whole)
    }

    @Test func ifRangeKeepsTheRangeOnlyWhileTheValidatorStillMatches() {
        #expect(decide("bytes=0-9", ifRange: "\"v1\"") == .part(offset: 0, length: 10))
        #expect(decide("bytes=0-9", ifRange: "\"v2\"") == .whole)
        // Weak tags never match (strong comparison), on either side.
        #expect(decide("bytes=0-9", ifRange: "W/\"v1\"") == .whole)
        #expect(decide("bytes=0-9", ifRange: "W/\"v1\"", entityTag: "W/\"v1\"") == .whole)
        #expect(decide("bytes=0-9", ifRange: "\"v1\"", entityTag: nil) == .whole)
        #expect(decide("bytes=0-9", ifRange: "Mon, 30 Nov 2026 08:00:00 GMT") == .part(offset: 0, length: 10))
        #expect(decide("bytes=0-9", ifRange: "Sun, 29 Nov 2026 08:00:00 GMT") == .whole)
        #expect(decide("bytes=0-9", ifRange: "Mon, 30 Nov 2026 08:00:00 GMT", lastModified: nil) == .whole)
    }

    // MARK: - Served

    private static let content: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }

    private static func makeRouter(path: String) -> Router {
        var router = Router()
        router.get("/ranged") { request, _ in
            try Response.file(
                at: path, for: request.head,
                headers: ["Content-Type": "application/octet-stream", "ETag": "\"content-1\""])
        }
        return router
    }

    @Test func partsAndUnsatisfiableRangesOnTheWire() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let path = folder.appending("content.bin").path
        try Data(Self.content).write(to: URL(fileURLWithPath: path))
        try await withRunningServer(router: Self.makeRouter(path: path)) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            try client.send("GET /ranged HTTP/1.1\r\nHost: t\r\nRange: bytes=1000-1999\r\n\r\n")
            let part = try client.readResponse()
            #expect(part.status == 206)
            #expect(part.headers["content-range"] == "bytes 1000-1999/300000")
            #expect(part.headers["content-length"] == "1000")
            #expect(part.headers["accept-ranges"] == "bytes")
            #expect(part.body == Array(Self.content[1000..<2000]))

            // The same connection goes on: a suffix, then a range past the end (a problem document).
            try client.send("GET /ranged HTTP/1.1\r\nHost: t\r\nRange: bytes=-5\r\n\r\n")
            let suffix = try client.readResponse()
            #expect(suffix.status == 206)
            #expect(suffix.body == Array(Self.content.suffix(5)))
            try client.send("GET /ranged HTTP/1.1\r\nHost: t\r\nRange: bytes=300000-\r\n\r\n")
            let beyond = try client.readResponse()
            #expect(beyond.status == 416)
            #expect(beyond.headers["content-range"] == "bytes */300000")
            #expect(beyond.headers["content-type"] == "application/problem+json")

            // A changed validator: the whole content, not a part of something else.
            try client.send("GET /ranged HTTP/1.1\r\nHost: t\r\nRange: bytes=0-9\r\nIf-Range: \"content-0\"\r\n\r\n")
            let changed = try client.readResponse()
            #expect(changed.status == 200)
            #expect(changed.body == Self.content)
        }
    }

    @Test func curlResumesAnInterruptedDownload() async throws {
        let folder = try TemporaryDirectory.make()
        defer { folder.remove() }
        let path = folder.appending("content.bin").path
        try Data(Self.content).write(to: URL(fileURLWithPath: path))
        let partial = folder.appending("download.bin")
        // The first 123,457 bytes arrived before the connection dropped.
        try Data(Self.content[0..<123_457]).write(to: partial)
        try await withRunningServer(router: Self.makeRouter(path: path)) { server in
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = [
                "curl", "--silent", "--show-error", "--fail", "--continue-at", "-", "--output", partial.path,
                "http://127.0.0.1:\(server.boundPort)/ranged",
            ]
            try curl.run()
            curl.waitUntilExit()
            #expect(curl.terminationStatus == 0)
        }
        #expect(try Data(contentsOf: partial) == Data(Self.content))
    }
}
