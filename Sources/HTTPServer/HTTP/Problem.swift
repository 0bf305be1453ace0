/// An error that knows how it looks on the wire, like Hummingbird's `HTTPResponseError`: the error
/// middleware renders any thrown value conforming to this as its ``problem``.
public protocol HTTPResponseError: Error {
    /// The RFC 9457 problem document to answer with.
    var problem: Problem { get }
}

/// An RFC 9457 problem document (`application/problem+json`), and itself a throwable error.
///
/// `detail` must never carry personal data or echo the peer's input: it is shown to any client.
public struct Problem: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// A URI naming the problem type (RFC 9457 §3.1.1); `about:blank` means "see the status".
    public var type: String
    /// A short summary of the type; by default the status reason phrase.
    public var title: String
    /// The HTTP status.
    public var status: HTTPStatus
    /// An explanation specific to this occurrence.
    public var detail: String?
    /// Extension members (RFC 9457 §3.2), such as `requestId`; string values only.
    public var extensions: [String: String]
    /// Extra response fields, such as `Allow` on a 405 or `Retry-After` on a 503.
    public var headers: HTTPFields

    /// Makes a problem.
    public init(
        status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public var problem: Problem { self }

    public var description: String { "\(status.code) \(title)" + (detail.map { ": \($0)" } ?? "") }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.type == rhs.type && lhs.title == rhs.title && lhs.detail == rhs.detail
            && lhs.extensions == rhs.extensions
    }

    /// The JSON document, members in a stable order.
    public var json: String {
        var members = [
            "\"type\":\(JSONString.quote(type))", "\"title\":\(JSONString.quote(title))",
            "\"status\":\(status.code)",
        ]
        if let detail { members.append("\"detail\":\(JSONString.quote(detail))") }
        for key in extensions.keys.sorted() {
            members.append("\(JSONString.quote(key)):\(JSONString.quote(extensions[key]!))")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The problem as a response: `Content-Type: application/problem+json` plus ``headers``.
    public var response: Response {
        var fields = headers
        fields["Content-Type"] = "application/problem+json"
        return Response(status: status, headers: fields, body: .bytes(Array(json.utf8)))
    }
}

extension ParseError: HTTPResponseError {
    /// Malformed requests answer with the parser's status and a fixed explanation.
    public var problem: Problem {
        Problem(status: HTTPStatus(code: statusCode), detail: description)
    }
}

/// Minimal JSON string escaping (RFC 8259 §7).
enum JSONString {
    static func quote(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
