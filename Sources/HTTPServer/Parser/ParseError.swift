/// Why the parser refused a request. Every case maps to the status the server answers with before it
/// closes the connection (RFC 9112 §9.6: after a framing error the rest of the stream cannot be trusted).
public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule that was broken; stable, so tests and logs can name it.
    public enum Code: String, Sendable {
        case invalidRequestLine
        case invalidMethod
        case invalidTarget
        case targetTooLong
        case unsupportedVersion
        case bareLineFeed
        case invalidFieldName
        case whitespaceBeforeColon
        case obsoleteLineFolding
        case invalidFieldValue
        case headerSectionTooLarge
        case tooManyFields
        case missingHost
        case duplicateHost
        case invalidHost
        case unsupportedExpectation
        case invalidContentLength
        case conflictingContentLength
        case contentLengthWithTransferEncoding
        case transferEncodingInHTTP10
        case chunkedNotFinal
        case unsupportedTransferCoding
        case invalidChunkSize
        case chunkSizeOverflow
        case invalidChunkExtension
        case missingChunkTerminator
        case trailerSectionTooLarge
        case invalidTrailerField
    }

    /// The rule that was broken.
    public var code: Code

    /// Makes an error for `code`.
    public init(_ code: Code) { self.code = code }

    /// The status code to answer with: 414, 417, 431, 501, 505 or 400 (RFC 9112 §3, RFC 9110 §10.1.1,
    /// RFC 6585 §5, RFC 9112 §6.1).
    public var statusCode: Int {
        switch code {
        case .targetTooLong: 414
        case .unsupportedExpectation: 417
        case .headerSectionTooLarge, .tooManyFields, .trailerSectionTooLarge: 431
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    /// A fixed sentence; never echoes the peer's bytes.
    public var description: String {
        switch code {
        case .invalidRequestLine: "The request line is malformed."
        case .invalidMethod: "The method is not a valid token."
        case .invalidTarget: "The request target contains characters that are not allowed."
        case .targetTooLong: "The request target is longer than this server accepts."
        case .unsupportedVersion: "Only HTTP/1.x is supported."
        case .bareLineFeed: "Lines must end with CRLF."
        case .invalidFieldName: "A header field name is not a valid token."
        case .whitespaceBeforeColon: "Whitespace between a field name and the colon is not allowed."
        case .obsoleteLineFolding: "Obsolete line folding is not allowed."
        case .invalidFieldValue: "A header field value contains control characters."
        case .headerSectionTooLarge: "The header section is larger than this server accepts."
        case .tooManyFields: "The request has more header fields than this server accepts."
        case .missingHost: "HTTP/1.1 requests must carry exactly one Host field."
        case .duplicateHost: "The request carries more than one Host field."
        case .invalidHost: "The Host field is not a valid host with an optional port."
        case .unsupportedExpectation: "The only expectation this server supports is 100-continue."
        case .invalidContentLength: "Content-Length is not a valid number."
        case .conflictingContentLength: "The request carries differing Content-Length values."
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding must not be combined."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in HTTP/1.0."
        case .chunkedNotFinal: "chunked must be the final transfer coding, applied once."
        case .unsupportedTransferCoding: "Only the chunked transfer coding is supported."
        case .invalidChunkSize: "A chunk size is malformed."
        case .chunkSizeOverflow: "A chunk size is too large."
        case .invalidChunkExtension: "A chunk extension is malformed or too long."
        case .missingChunkTerminator: "Chunk data is not followed by CRLF."
        case .trailerSectionTooLarge: "The trailer section is larger than this server accepts."
        case .invalidTrailerField: "A trailer field after the last chunk is malformed."
        }
    }
}
