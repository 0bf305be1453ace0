/// What a request's `Range` asks of a representation of known length (RFC 9110 §14): all of it, one part,
/// or nothing it can be given.
///
/// One range is served; a request for several gets the whole representation (a server may ignore `Range`,
/// §14.2), which every client handles and which spares a `multipart/byteranges` body. `Range` counts only
/// on GET, in `bytes`, with a valid range set, and only while `If-Range` (§13.1.5), if sent, still matches
/// the representation; otherwise the answer is the whole representation too.
public enum ByteRangeDecision: Sendable, Equatable {
    /// 200 with the whole representation.
    case whole
    /// 206 with `length` bytes from `offset`.
    case part(offset: Int64, length: Int64)
    /// 416: the range set is valid but starts at or past the end (`Content-Range: bytes */length`).
    case unsatisfiable

    /// Evaluates `head`'s `Range` and `If-Range` against a representation of `length` bytes.
    /// - Parameters:
    ///   - entityTag: The representation's current `ETag`, quotes included; `If-Range` matches it only
    ///     when both are strong and equal.
    ///   - lastModified: Its `Last-Modified` value; an `If-Range` date matches only this exact value.
    public static func evaluate(
        _ head: RequestHead, length: Int64, entityTag: String? = nil, lastModified: String? = nil
    ) -> ByteRangeDecision {
        guard head.method == .get else { return .whole }
        let ranges = head.headers.values("Range")
        guard ranges.count == 1, let spec = ByteRangeSpec(parsing: ranges[0]) else { return .whole }
        let conditions = head.headers.values("If-Range")
        if !conditions.isEmpty {
            guard conditions.count == 1,
                ifRangeMatches(conditions[0], entityTag: entityTag, lastModified: lastModified)
            else { return .whole }
        }
        return spec.decision(length: length)
    }

    /// `If-Range`: an entity-tag that strongly matches the current one (a weak one never does), or the
    /// exact `Last-Modified` date (RFC 9110 §13.1.5).
    private static func ifRangeMatches(_ condition: String, entityTag: String?, lastModified: String?) -> Bool {
        if condition.hasPrefix("\"") || condition.hasPrefix("W/") {
            guard let entityTag else { return false }
            return EntityTag.matches(condition, entityTag, using: .strong)
        }
        return lastModified.map { $0 == condition } ?? false
    }
}

/// One `bytes` range set with a single range (RFC 9110 §14.1.1): `first-last`, `first-` or `-suffix`.
struct ByteRangeSpec: Equatable {
    enum Kind: Equatable {
        /// From `first` to `last` (inclusive) or to the end.
        case from(first: Int64, last: Int64?)
        /// The last `suffix` bytes.
        case suffix(Int64)
    }

    let kind: Kind

    /// The longest `Range` value looked at; longer ones are ignored (a real client sends a few dozen bytes).
    static let maximumLength = 256

    /// Parses `bytes=…`; nil when the value is not one valid byte range (several ranges included).
    init?(parsing value: String) {
        guard value.utf8.count <= ByteRangeSpec.maximumLength else { return nil }
        var value = value
        guard let kind = value.withUTF8({ ByteRangeSpec.parse($0) }) else { return nil }
        self.kind = kind
    }

    private static func parse(_ value: UnsafeBufferPointer<UInt8>) -> Kind? {
        guard let equals = value.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        var unitStart = 0
        while unitStart < equals, ASCII.isWhitespace(value[unitStart]) { unitStart += 1 }
        guard ASCII.equalsLowercase(UnsafeBufferPointer(rebasing: value[unitStart..<equals]), "bytes") else {
            return nil
        }
        // The range set is a list (RFC 9110 §5.6.1), split as the parser splits every list.
        var count = 0
        var only = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        try? forEachListElement(UnsafeBufferPointer(rebasing: value[(equals + 1)...])) {
            count += 1
            only = $0
        }
        guard count == 1, let dash = only.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let firstDigits = UnsafeBufferPointer(rebasing: only[..<dash])
        let lastDigits = UnsafeBufferPointer(rebasing: only[(dash + 1)...])
        if firstDigits.isEmpty { return digits(lastDigits).map(Kind.suffix) }
        guard let first = digits(firstDigits) else { return nil }
        if lastDigits.isEmpty { return .from(first: first, last: nil) }
        guard let last = digits(lastDigits), last >= first else { return nil }
        return .from(first: first, last: last)
    }

    /// The part of `length` bytes this range selects.
    func decision(length: Int64) -> ByteRangeDecision {
        switch kind {
        case .from(let first, let last):
            guard first < length else { return .unsatisfiable }
            let end = min(last ?? (length - 1), length - 1)
            return .part(offset: first, length: end - first + 1)
        case .suffix(let suffix):
            guard suffix > 0, length > 0 else { return .unsatisfiable }
            let count = min(suffix, length)
            return .part(offset: length - count, length: count)
        }
    }

    /// 1*DIGIT as a non-negative number, saturating at `Int64.max` (a position past any file).
    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard (48...57).contains(byte) else { return nil }
            let (product, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = product.addingReportingOverflow(Int64(byte - 48))
            value = overflowA || overflowB ? Int64.max : sum
        }
        return value
    }
}

extension Response {
    /// The file at `path`, or the part of it `head`'s `Range` asks for (RFC 9110 §14): 200 with the whole
    /// file or 206 with `Content-Range`, both with `Accept-Ranges: bytes`. The file is opened once, so the
    /// size the range was judged on is the size sent. The body is a ``FileRegion`` (sendfile on plain TCP).
    /// - Parameters:
    ///   - headers: Fields for the answer (`Content-Type`, `ETag`, `Last-Modified`…); the validators in it
    ///     are the ones `If-Range` is checked against.
    /// - Throws: ``FileRegion/OpenError`` when the file cannot be opened; a 416 ``Problem`` with
    ///   `Content-Range: bytes */size` when the range starts at or past the end.
    public static func file(at path: String, for head: RequestHead, headers: HTTPFields = [:]) throws -> Response {
        let whole = try FileRegion(path: path)
        var headers = headers
        headers["Accept-Ranges"] = "bytes"
        let decision = ByteRangeDecision.evaluate(
            head, length: whole.length, entityTag: headers["ETag"], lastModified: headers["Last-Modified"])
        switch decision {
        case .whole:
            return Response(status: .ok, headers: headers, body: .file(whole))
        case .part(let offset, let length):
            headers["Content-Range"] = "bytes \(offset)-\(offset + length - 1)/\(whole.length)"
            return Response(
                status: .partialContent, headers: headers,
                body: .file(try FileRegion(narrowing: whole, offset: offset, length: length)))
        case .unsatisfiable:
            throw Problem(
                status: .rangeNotSatisfiable,
                detail: "The requested range starts at or past the end of the \(whole.length)-byte content.",
                headers: ["Content-Range": "bytes */\(whole.length)", "Accept-Ranges": "bytes"])
        }
    }
}
