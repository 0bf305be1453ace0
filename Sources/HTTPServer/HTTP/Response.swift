/// A response: status, fields and a body that is fixed bytes, a stream or a file region.
///
/// The server adds `Date`, the framing (`Content-Length` or `Transfer-Encoding: chunked`) and
/// `Connection: close` when needed; framing fields set here are replaced.
public struct Response: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// Fields to send (besides the ones the server adds).
    public var headers: HTTPFields
    /// The content.
    public var body: ResponseBody

    /// Makes a response.
    public init(status: HTTPStatus = .ok, headers: HTTPFields = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: .bytes(Array(text.utf8)))
    }

    /// An `application/json` response from already-encoded JSON.
    public static func json(_ json: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(Array(json.utf8)))
    }
}

/// The content of a response.
public struct ResponseBody: Sendable {
    /// Writes a streamed body chunk by chunk; returning ends the body.
    public typealias Producer = @Sendable (ResponseBodyWriter) async throws -> Void

    enum Storage: Sendable {
        case bytes([UInt8])
        case stream(length: Int64?, Producer)
        case file(FileRegion)
    }

    let storage: Storage

    /// No content.
    public static let empty = ResponseBody(storage: .bytes([]))

    /// Fixed content, sent with `Content-Length` in the same write as the head.
    public static func bytes(_ bytes: [UInt8]) -> ResponseBody { ResponseBody(storage: .bytes(bytes)) }

    /// Content written by `producer`. With `length` it is sent with `Content-Length` (writing a different
    /// number of bytes closes the connection); without, chunked (RFC 9112 §7.1). Writes wait while the
    /// client is slower than the producer (backpressure).
    public static func stream(length: Int64? = nil, _ producer: @escaping Producer) -> ResponseBody {
        ResponseBody(storage: .stream(length: length, producer))
    }

    /// A region of an open file, sent with sendfile(2) on plain TCP or read and encrypted under TLS.
    public static func file(_ region: FileRegion) -> ResponseBody { ResponseBody(storage: .file(region)) }
}
