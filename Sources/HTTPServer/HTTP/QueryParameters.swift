/// Decoded query parameters, in order, repeated names kept (WHATWG URL `application/x-www-form-urlencoded`).
public struct QueryParameters: Sendable, Sequence {
    /// The pairs in order.
    public let pairs: [(name: String, value: String)]

    /// Parses `rawQuery` (without `?`): `&`-separated, `+` is a space, percent-decoded; undecodable
    /// pairs are kept raw rather than dropped silently.
    public init(_ rawQuery: String) {
        var pairs: [(name: String, value: String)] = []
        for part in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryParameters.decode(pieces[0])
            let value = pieces.count > 1 ? QueryParameters.decode(pieces[1]) : ""
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`.
    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingPlus()
        return PercentDecoding.decode(spaced) ?? String(spaced)
    }
}

extension Substring {
    fileprivate func replacingPlus() -> Substring {
        guard contains("+") else { return self }
        return Substring(String(map { $0 == "+" ? " " : $0 }))
    }
}

/// Percent-decoding (RFC 3986 §2.1) to UTF-8 text.
enum PercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not valid UTF-8.
    static func decode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(ASCII.hexValue),
                    let low = iterator.next().flatMap(ASCII.hexValue)
                else { return nil }
                bytes.append(UInt8(high << 4 | low))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
