extension RequestParser {
    /// Parses a complete head (request line and field lines, each ending in CRLF, without the final empty
    /// line) and derives framing, persistence and expectation.
    func parseHead(_ head: UnsafeBufferPointer<UInt8>) throws(ParseError) -> RequestHead {
        guard let requestLineEnd = try RequestParser.nextLineEnd(head, from: 0) else {
            throw ParseError(.invalidRequestLine)
        }
        var result = try parseRequestLine(UnsafeBufferPointer(rebasing: head[0..<(requestLineEnd - 1)]))
        var framing = FramingFields()
        var hosts = 0
        var hasClose = false
        var hasKeepAlive = false
        var lineStart = requestLineEnd + 1
        result.headers.fields.reserveCapacity(8)
        while lineStart < head.count, let lineEnd = try RequestParser.nextLineEnd(head, from: lineStart) {
            let field = try FieldLine(UnsafeBufferPointer(rebasing: head[lineStart..<(lineEnd - 1)]))
            lineStart = lineEnd + 1
            switch field.name.count {
            case 4 where ASCII.equalsLowercase(field.name, "host"):
                // RFC 9112 §3.2: an invalid Host value gets 400, like a missing or repeated one.
                hosts += 1
                if HostField.kind(of: field.value) == nil { throw ParseError(.invalidHost) }
            case 6 where ASCII.equalsLowercase(field.name, "expect"):
                // `Expect = #expectation` (RFC 9110 §10.1.1): 100-continue is the only one defined; any
                // other gets 417. 100-continue in HTTP/1.0 is ignored.
                try forEachListElement(field.value) { expectation throws(ParseError) in
                    guard ASCII.equalsLowercase(expectation, "100-continue") else {
                        throw ParseError(.unsupportedExpectation)
                    }
                    if result.version == .http1_1 { result.expectsContinue = true }
                }
            case 10 where ASCII.equalsLowercase(field.name, "connection"):
                try forEachListElement(field.value) { option throws(ParseError) in
                    if ASCII.equalsLowercase(option, "close") { hasClose = true }
                    if ASCII.equalsLowercase(option, "keep-alive") { hasKeepAlive = true }
                }
            case 14 where ASCII.equalsLowercase(field.name, "content-length"):
                try framing.addContentLength(field.value)
            case 17 where ASCII.equalsLowercase(field.name, "transfer-encoding"):
                try framing.addTransferEncoding(field.value)
            default:
                break
            }
            result.headers.fields.append(
                HTTPFields.Field(
                    name: String(decoding: field.name, as: UTF8.self),
                    value: String(decoding: field.value, as: UTF8.self)))
        }
        if result.headers.count > limits.maxFieldCount { throw ParseError(.tooManyFields) }
        // RFC 9112 §3.2: a 1.1 request lacking Host, or any request with several, gets 400.
        if hosts > 1 { throw ParseError(.duplicateHost) }
        if hosts == 0 && result.version == .http1_1 { throw ParseError(.missingHost) }
        result.framing = try framing.resolve(version: result.version)
        // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
        result.isKeepAlive = !hasClose && (result.version == .http1_1 || hasKeepAlive)
        return result
    }

    /// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces only.
    private func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(ParseError) -> RequestHead {
        var index = 0
        while index < line.count && line[index] != ASCII.space {
            guard ASCII.isToken(line[index]) else { throw ParseError(.invalidMethod) }
            index += 1
        }
        guard index > 0 && index < line.count else { throw ParseError(.invalidRequestLine) }
        let method = HTTPMethod.make(UnsafeBufferPointer(rebasing: line[0..<index]))
        index += 1
        let targetStart = index
        while index < line.count && line[index] != ASCII.space {
            guard ASCII.isTargetByte(line[index]) else { throw ParseError(.invalidTarget) }
            index += 1
        }
        if index - targetStart > limits.maxTargetLength { throw ParseError(.targetTooLong) }
        guard index > targetStart && index < line.count else { throw ParseError(.invalidRequestLine) }
        let target = String(decoding: UnsafeBufferPointer(rebasing: line[targetStart..<index]), as: UTF8.self)
        let version = try RequestParser.parseVersion(UnsafeBufferPointer(rebasing: line[(index + 1)...]))
        return RequestHead(method: method, target: target, version: version)
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3). A higher minor version of 1 is processed
    /// as HTTP/1.1, the highest we implement (RFC 9110 §2.5); other major versions get 505.
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
            bytes[4] == 0x2F, bytes[6] == 0x2E,
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { throw ParseError(.invalidRequestLine) }
        guard bytes[5] == 0x31 else { throw ParseError(.unsupportedVersion) }
        return bytes[7] == 0x30 ? .http1_0 : .http1_1
    }
}

/// Collects `Content-Length` and `Transfer-Encoding` across all field lines, then decides the framing
/// by RFC 9112 §6.3, refusing every combination two parsers could read differently.
struct FramingFields {
    var contentLength: UInt64?
    var hasTransferEncoding = false
    var codings = 0
    var chunkedCount = 0
    var lastIsChunked = false
    var hasUnknownCoding = false

    /// Adds one `Content-Length` line; a list of equal values is one value (RFC 9112 §6.3 item 5).
    mutating func addContentLength(_ value: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        var sawElement = false
        try forEachListElement(value) { element throws(ParseError) in
            sawElement = true
            var length: UInt64 = 0
            for byte in element {
                guard (0x30...0x39).contains(byte) else { throw ParseError(.invalidContentLength) }
                guard length < (ChunkLine.maxSize / 10) else { throw ParseError(.invalidContentLength) }
                length = length * 10 + UInt64(byte - 0x30)
            }
            if let contentLength, contentLength != length { throw ParseError(.conflictingContentLength) }
            contentLength = length
        }
        guard sawElement else { throw ParseError(.invalidContentLength) }
    }

    /// Adds one `Transfer-Encoding` line (RFC 9112 §6.1).
    mutating func addTransferEncoding(_ value: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        hasTransferEncoding = true
        try forEachListElement(value) { element throws(ParseError) in
            var end = 0
            while end < element.count && element[end] != UInt8(ascii: ";") && !ASCII.isWhitespace(element[end]) {
                end += 1
            }
            let coding = UnsafeBufferPointer(rebasing: element[0..<end])
            codings += 1
            lastIsChunked = ASCII.equalsLowercase(coding, "chunked")
            if lastIsChunked { chunkedCount += 1 } else { hasUnknownCoding = true }
        }
    }

    /// The framing, or the error for an ambiguous or unsupported combination.
    func resolve(version: HTTPVersion) throws(ParseError) -> RequestHead.Framing {
        if hasTransferEncoding {
            if contentLength != nil { throw ParseError(.contentLengthWithTransferEncoding) }
            if version == .http1_0 { throw ParseError(.transferEncodingInHTTP10) }
            if hasUnknownCoding { throw ParseError(.unsupportedTransferCoding) }
            guard chunkedCount == 1 && lastIsChunked else { throw ParseError(.chunkedNotFinal) }
            return .chunked
        }
        if let contentLength { return .length(contentLength) }
        return .none
    }
}
