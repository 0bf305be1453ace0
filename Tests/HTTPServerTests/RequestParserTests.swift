import HTTPServer
import Testing

@Suite struct RequestParserTests {
    @Test(arguments: [1, 3, 7, Int.max])
    func parsesSimpleGetInAnyPieces(pieceSize: Int) throws {
        let messages = try ParserHarness.run(
            "GET /a/b?c=d HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n", pieceSize: pieceSize)
        let message = try #require(messages.first)
        #expect(messages.count == 1)
        #expect(message.head.method == .get)
        #expect(message.head.target == "/a/b?c=d")
        #expect(message.head.version == .http1_1)
        #expect(message.head.headers["host"] == "example.org")
        #expect(message.head.headers["ACCEPT"] == "*/*")
        #expect(message.head.framing == .none)
        #expect(message.head.isKeepAlive)
        #expect(message.isComplete)
    }

    @Test(arguments: [1, 5, Int.max])
    func parsesContentLengthBody(pieceSize: Int) throws {
        let messages = try ParserHarness.run(
            "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world", pieceSize: pieceSize)
        #expect(messages.count == 1)
        #expect(messages[0].head.framing == .length(11))
        #expect(String(decoding: messages[0].body, as: UTF8.self) == "hello world")
        #expect(messages[0].isComplete)
    }

    @Test(arguments: [1, 4, Int.max])
    func parsesChunkedBodyWithExtensionsAndTrailers(pieceSize: Int) throws {
        let text = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nChecksum: abc\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let messages = try ParserHarness.run(text, pieceSize: pieceSize)
        #expect(messages.count == 2)
        #expect(messages[0].head.framing == .chunked)
        #expect(String(decoding: messages[0].body, as: UTF8.self) == "hello world")
        #expect(messages[0].isComplete)
        #expect(messages[1].head.target == "/next")
        #expect(messages[1].isComplete)
    }

    @Test func parsesPipelinedRequestsInOrder() throws {
        let one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
        let two = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        let three = "GET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let messages = try ParserHarness.run(one + two + three)
        #expect(messages.map(\.head.target) == ["/1", "/2", "/3"])
        #expect(messages[1].body == Array("abc".utf8))
        #expect(messages[2].head.isKeepAlive == false)
    }

    @Test func ignoresLeadingEmptyLine() throws {
        let messages = try ParserHarness.run("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(messages.count == 1)
    }

    @Test func http10DefaultsToCloseAndHonoursKeepAlive() throws {
        let plain = try ParserHarness.run("GET / HTTP/1.0\r\n\r\n")
        #expect(plain[0].head.isKeepAlive == false)
        #expect(plain[0].head.version == .http1_0)
        let kept = try ParserHarness.run("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(kept[0].head.isKeepAlive)
    }

    @Test func recognisesExpectContinueOnlyInHTTP11() throws {
        let withExpect = try ParserHarness.run(
            "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
        #expect(withExpect[0].head.expectsContinue)
        let old = try ParserHarness.run("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")
        #expect(old[0].head.expectsContinue == false)
    }

    @Test(arguments: [("HTTP/1.0", HTTPVersion.http1_0), ("HTTP/1.1", .http1_1), ("HTTP/1.2", .http1_1), ("HTTP/1.9", .http1_1)])
    func processesHigherMinorVersionsAsHTTP11(text: String, version: HTTPVersion) throws {
        // RFC 9110 §2.5: a higher minor version is processed as the highest one implemented.
        let messages = try ParserHarness.run("GET / \(text)\r\nHost: h\r\n\r\n")
        #expect(messages[0].head.version == version)
        #expect(messages[0].head.isKeepAlive == (version == .http1_1))
    }

    @Test func acceptsEmptyHostAndEmptyExpectation() throws {
        let messages = try ParserHarness.run("POST / HTTP/1.1\r\nHost:\r\nExpect:\r\nContent-Length: 1\r\n\r\nx")
        #expect(messages[0].head.headers["Host"] == "")
        #expect(messages[0].head.expectsContinue == false)
    }

    @Test func acceptsEqualDuplicateContentLength() throws {
        let messages = try ParserHarness.run(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok")
        #expect(messages[0].body == Array("ok".utf8))
    }

    /// Smuggling and strictness table: each input must be refused with this code and status.
    static let refusals: [(String, ParseError.Code, Int)] = [
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         .contentLengthWithTransferEncoding, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
         .contentLengthWithTransferEncoding, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
         .conflictingContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n", .conflictingContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
         .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .invalidChunkSize, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkSize, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", .invalidChunkSize, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
         .chunkSizeOverflow, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
         .chunkSizeOverflow, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
         .missingChunkTerminator, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\u{01}\r\n",
         .invalidChunkExtension, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedNotFinal, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferCoding, 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
         .unsupportedTransferCoding, 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n", .unsupportedTransferCoding, 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n\r\n", .obsoleteLineFolding, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n\tfolded\r\n\r\n", .obsoleteLineFolding, 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding\t: chunked\r\n\r\n", .whitespaceBeforeColon, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{00}b\r\n\r\n", .invalidFieldValue, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", .invalidFieldValue, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}\r\n\r\n", .invalidFieldValue, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(A): a\r\n\r\n", .invalidFieldName, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .invalidFieldName, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", .invalidFieldName, 400),
        ("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", .bareLineFeed, 400),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost, 400),
        ("GET / HTTP/1.2\r\n\r\n", .missingHost, 400),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost, 400),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost, 400),
        ("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", .invalidHost, 400),
        ("GET / HTTP/1.0\r\nHost: [::1\r\n\r\n", .invalidHost, 400),
        ("GET / HTTP/1.1\r\nHost: :80\r\n\r\n", .invalidHost, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n", .unsupportedExpectation, 417),
        ("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, x\r\n\r\n", .unsupportedExpectation, 417),
        ("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue=1\r\n\r\n", .unsupportedExpectation, 417),
        ("GET / HTTP/1.0\r\nExpect: x\r\n\r\n", .unsupportedExpectation, 417),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA B: c\r\n\r\n",
         .invalidTrailerField, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n",
         .invalidTrailerField, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", .invalidChunkSize, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n",
         .missingChunkTerminator, 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost, 400),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine, 400),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .invalidRequestLine, 400),
        ("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine, 400),
        ("GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget, 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod, 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion, 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion, 505),
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", .invalidRequestLine, 400),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine, 400),
        ("GET /\r\n\r\n", .invalidRequestLine, 400),
    ]

    @Test(arguments: refusals)
    func refusesAmbiguousOrMalformedInput(text: String, code: ParseError.Code, status: Int) {
        for pieceSize in [1, Int.max] {
            #expect(throws: ParseError(code)) { _ = try ParserHarness.run(text, pieceSize: pieceSize) }
        }
        #expect(ParseError(code).statusCode == status)
    }

    @Test func refusesOverlongTargetWith414EvenBeforeLineEnds() {
        var limits = RequestParser.Limits()
        limits.maxTargetLength = 100
        let long = "GET /" + String(repeating: "a", count: 200)
        #expect(throws: ParseError(.targetTooLong)) {
            _ = try ParserHarness.run(long, limits: limits)
        }
        #expect(throws: ParseError(.targetTooLong)) {
            _ = try ParserHarness.run(long + " HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits)
        }
    }

    @Test func refusesOversizedHeadWith431() {
        var limits = RequestParser.Limits()
        limits.maxHeadSize = 1024
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 2000) + "\r\n\r\n"
        #expect(throws: ParseError(.headerSectionTooLarge)) { _ = try ParserHarness.run(big, limits: limits) }
        #expect(ParseError(.headerSectionTooLarge).statusCode == 431)
        limits.maxFieldCount = 3
        let many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        #expect(throws: ParseError(.tooManyFields)) { _ = try ParserHarness.run(many, limits: limits) }
    }

    @Test func staysFailedAfterAnError() throws {
        var parser = RequestParser()
        let bad = Array("GET / HTTP/1.1\r\nHost : h\r\n\r\n".utf8)
        let good = Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        #expect(throws: ParseError(.whitespaceBeforeColon)) {
            _ = try bad.withUnsafeBufferPointer { bytes throws(ParseError) in try parser.parse(bytes) }
        }
        #expect(throws: ParseError(.whitespaceBeforeColon)) {
            _ = try good.withUnsafeBufferPointer { bytes throws(ParseError) in try parser.parse(bytes) }
        }
    }
}
