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

extension Connection {
    static let statusPrefix = Array("HTTP/1.1 ".utf8)
    static let dateName = Array("Date: ".utf8)
    static let contentLengthName = Array("Content-Length: ".utf8)
    static let chunkedField = Array("Transfer-Encoding: chunked\r\n".utf8)
    static let closeField = Array("Connection: close\r\n".utf8)
    static let keepAliveField = Array("Connection: keep-alive\r\n".utf8)

    /// Serialises the status line and fields into the output buffer (RFC 9112 §4, §5). The server owns
    /// `Date`, `Content-Length`, `Transfer-Encoding` and `Connection`; fields with bytes that could split
    /// the response (CR, LF, NUL) or invalid names are dropped.
    func appendHead(for response: Response, version: HTTPVersion, isClosing: Bool, framing: HeadFraming) {
        output.append(contentsOf: Connection.statusPrefix)
        appendDecimal(Int64(response.status.code))
        output.append(0x20)
        output.append(contentsOf: response.status.reasonPhrase.utf8)
        output.append(contentsOf: Connection.crlf)
        for field in response.headers where Connection.isSendable(field) {
            output.append(contentsOf: field.name.utf8)
            output.append(contentsOf: [0x3A, 0x20])
            output.append(contentsOf: field.value.utf8)
            output.append(contentsOf: Connection.crlf)
        }
        output.append(contentsOf: Connection.dateName)
        output.append(contentsOf: loop.date)
        output.append(contentsOf: Connection.crlf)
        switch framing {
        case .contentLength(let length):
            output.append(contentsOf: Connection.contentLengthName)
            appendDecimal(length)
            output.append(contentsOf: Connection.crlf)
        case .chunked:
            output.append(contentsOf: Connection.chunkedField)
        case .noContent, .untilClose:
            break
        }
        if isClosing {
            output.append(contentsOf: Connection.closeField)
        } else if version == .http1_0 {
            output.append(contentsOf: Connection.keepAliveField)
        }
        output.append(contentsOf: Connection.crlf)
    }

    private func appendDecimal(_ value: Int64) {
        if value < 10 {
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
            default: return bytes.allSatisfy(ASCII.isToken)
            }
        }
        guard nameIsValid else { return false }
        return field.value.utf8.allSatisfy { $0 != 0x0D && $0 != 0x0A && $0 != 0x00 }
    }
}
