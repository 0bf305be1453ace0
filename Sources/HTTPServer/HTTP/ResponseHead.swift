import EventLoops

/// How the response head declares its body.
enum HeadFraming {
    case contentLength(Int64)
    case chunked
    /// 1xx, 204, 304: no framing fields (RFC 9110 §8.6).
    case noContent
    /// HTTP/1.0 without a length: delimited by closing.
    case untilClose
}

/// The one writer of response heads: status line and fields (RFC 9112 §4, §5), for connections and for
/// the listener's 503 alike.
///
/// The server owns `Date`, `Content-Length`, `Transfer-Encoding`, `Connection` and
/// `Strict-Transport-Security` (sent only over TLS, RFC 6797 §7.2); a response's own lines of those names
/// are dropped, as are fields with bytes that could split the response (CR, LF, NUL) or invalid names.
enum ResponseHead {
    static let statusPrefix = Array("HTTP/1.1 ".utf8)
    static let crlf: [UInt8] = [0x0D, 0x0A]
    static let dateName = Array("Date: ".utf8)
    static let contentLengthName = Array("Content-Length: ".utf8)
    static let chunkedField = Array("Transfer-Encoding: chunked\r\n".utf8)
    static let closeField = Array("Connection: close\r\n".utf8)
    static let keepAliveField = Array("Connection: keep-alive\r\n".utf8)

    /// The `Strict-Transport-Security` line for `maxAge` (RFC 6797 §6.1), CRLF included.
    static func strictTransportSecurityLine(maxAge: Duration) -> [UInt8] {
        Array("Strict-Transport-Security: max-age=\(max(0, maxAge.components.seconds))\r\n".utf8)
    }

    /// Appends the head of `response` to `output`.
    /// - Parameters:
    ///   - version: the request's version: a kept-alive HTTP/1.0 exchange says `Connection: keep-alive`.
    ///   - isClosing: the connection closes after this response (`Connection: close`).
    ///   - date: the `Date` value (IMF-fixdate, RFC 9110 §5.6.7).
    ///   - serverFields: complete field lines the server adds to every response (HSTS under TLS).
    static func append(
        _ response: Response, to output: inout [UInt8], version: HTTPVersion, isClosing: Bool, framing: HeadFraming,
        date: [UInt8], serverFields: [UInt8]? = nil
    ) {
        output.append(contentsOf: statusPrefix)
        appendDecimal(Int64(response.status.code), to: &output)
        output.append(0x20)
        output.append(contentsOf: response.status.reasonPhrase.utf8)
        output.append(contentsOf: crlf)
        for field in response.headers where isSendable(field) {
            output.append(contentsOf: field.name.utf8)
            output.append(contentsOf: [0x3A, 0x20])
            output.append(contentsOf: field.value.utf8)
            output.append(contentsOf: crlf)
        }
        if let serverFields { output.append(contentsOf: serverFields) }
        output.append(contentsOf: dateName)
        output.append(contentsOf: date)
        output.append(contentsOf: crlf)
        switch framing {
        case .contentLength(let length):
            output.append(contentsOf: contentLengthName)
            appendDecimal(length, to: &output)
            output.append(contentsOf: crlf)
        case .chunked:
            output.append(contentsOf: chunkedField)
        case .noContent, .untilClose:
            break
        }
        if isClosing {
            output.append(contentsOf: closeField)
        } else if version == .http1_0 {
            output.append(contentsOf: keepAliveField)
        }
        output.append(contentsOf: crlf)
    }

    private static func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
        if value >= 0 && value < 10 {
            output.append(UInt8(0x30 + value))
            return
        }
        output.append(contentsOf: String(value).utf8)
    }

    static func isSendable(_ field: HTTPFields.Field) -> Bool {
        var name = field.name
        let nameIsValid = name.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            switch bytes.count {
            case 4 where ASCII.equalsLowercase(bytes, "date"): return false
            case 10 where ASCII.equalsLowercase(bytes, "connection"): return false
            case 14 where ASCII.equalsLowercase(bytes, "content-length"): return false
            case 17 where ASCII.equalsLowercase(bytes, "transfer-encoding"): return false
            case 25 where ASCII.equalsLowercase(bytes, "strict-transport-security"): return false
            default: return bytes.allSatisfy(ASCII.isToken)
            }
        }
        guard nameIsValid else { return false }
        return field.value.utf8.allSatisfy { $0 != 0x0D && $0 != 0x0A && $0 != 0x00 }
    }
}

extension Connection {
    /// Appends the head of `response` to the output buffer, with the loop's cached `Date` and, under TLS,
    /// the server's `Strict-Transport-Security`.
    func appendHead(for response: Response, version: HTTPVersion, isClosing: Bool, framing: HeadFraming) {
        ResponseHead.append(
            response, to: &output, version: version, isClosing: isClosing, framing: framing, date: loop.date,
            serverFields: server.strictTransportSecurityLine)
    }
}
