/// The request line and header section of one request, with the framing the parser derived from them.
public struct RequestHead: Sendable {
    /// How the request content is delimited (RFC 9112 §6.3).
    public enum Framing: Sendable, Equatable {
        /// No content (neither `Content-Length` nor `Transfer-Encoding`).
        case none
        /// Exactly this many bytes follow the head.
        case length(UInt64)
        /// The chunked transfer coding (RFC 9112 §7.1).
        case chunked
    }

    /// The method token.
    public var method: HTTPMethod
    /// The request-target exactly as received (RFC 9112 §3.2), not decoded.
    public var target: String
    /// HTTP/1.0 or HTTP/1.1 (a higher minor version of 1 is processed as HTTP/1.1, RFC 9110 §2.5).
    public var version: HTTPVersion
    /// Header fields in order.
    public var headers: HTTPFields
    /// How the content is delimited.
    public var framing: Framing
    /// Whether the client allows the connection to stay open after this exchange (RFC 9112 §9.3).
    public var isKeepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` on HTTP/1.1 (RFC 9110 §10.1.1).
    public var expectsContinue: Bool

    /// Makes a head; tests and the fuzzer build them directly, the parser derives the last three fields.
    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPFields = [:],
        framing: Framing = .none, isKeepAlive: Bool = true, expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.isKeepAlive = isKeepAlive
        self.expectsContinue = expectsContinue
    }
}
