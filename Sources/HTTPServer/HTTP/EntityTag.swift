/// Entity-tag comparison (RFC 9110 §8.8.3) and the list conditions built on it (`If-Match`,
/// `If-None-Match`, §13.1.1–13.1.2; `If-Range`, §13.1.5), on bytes: the one matcher of the server and
/// the application.
///
/// ```
/// entity-tag = [ weak ] opaque-tag        weak = %s"W/"      (case-sensitive)
/// opaque-tag = DQUOTE *etagc DQUOTE       etagc = %x21 / %x23-7E / obs-text
/// ```
/// An opaque-tag may hold commas, so a list of tags is split at commas outside quotes only. A value that
/// is not a valid entity-tag (or list of them) matches nothing.
public enum EntityTag {
    /// How two entity-tags are compared (RFC 9110 §8.8.3.2).
    public enum Comparison: Sendable {
        /// Neither is weak and the opaque-tags are identical: for `If-Match` and `If-Range`, where the
        /// representations must be byte-for-byte the same.
        case strong
        /// The opaque-tags are identical, either or both may be weak: for `If-None-Match`.
        case weak
    }

    /// Whether two entity-tags match under `comparison`; false when either is not a valid entity-tag.
    /// - Parameters:
    ///   - lhs: an entity-tag, quotes and any `W/` included (`"v1"`, `W/"v1"`).
    ///   - rhs: another.
    public static func matches(_ lhs: String, _ rhs: String, using comparison: Comparison) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard let a = parse(left, from: 0), a.end == left.count,
                    let b = parse(right, from: 0), b.end == right.count
                else { return false }
                return agree(a, in: left, b, in: right, using: comparison)
            }
        }
    }

    /// Whether a condition `"*" / #entity-tag` (the value of `If-Match` or `If-None-Match`, several field
    /// lines joined with commas) matches the current representation's entity-tag.
    /// - Parameters:
    ///   - condition: the field value.
    ///   - current: the current representation's entity-tag; nil when it has none (then only `*`
    ///     matches, as long as `representationExists`).
    ///   - representationExists: whether there is a current representation at all, for `*`.
    /// - Returns: false for a malformed condition.
    public static func listMatches(
        _ condition: String, current: String?, using comparison: Comparison, representationExists: Bool = true
    ) -> Bool {
        var condition = condition
        var current = current ?? ""
        return condition.withUTF8 { list in
            current.withUTF8 { tag in
                var start = 0
                var end = list.count
                while start < end && ASCII.isWhitespace(list[start]) { start += 1 }
                while end > start && ASCII.isWhitespace(list[end - 1]) { end -= 1 }
                if end - start == 1 && list[start] == UInt8(ascii: "*") { return representationExists }
                guard let wanted = parse(tag, from: 0), wanted.end == tag.count else { return false }
                return containsTag(in: UnsafeBufferPointer(rebasing: list[start..<end])) { candidate, bytes in
                    agree(candidate, in: bytes, wanted, in: tag, using: comparison)
                }
            }
        }
    }

    /// One parsed entity-tag: whether it is weak and where its opaque-tag (quotes excluded) lies.
    struct Parsed {
        var isWeak: Bool
        var opaque: Range<Int>
        /// Just past the closing quote.
        var end: Int
    }

    /// Parses one entity-tag starting at `from`; nil when the bytes there are not one.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Parsed? {
        var index = from
        var isWeak = false
        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "W") && bytes[index + 1] == UInt8(ascii: "/") {
            isWeak = true
            index += 2
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let opaqueStart = index
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
            // etagc = %x21 / %x23-7E / obs-text
            guard bytes[index] >= 0x21 && bytes[index] != 0x7F else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        return Parsed(isWeak: isWeak, opaque: opaqueStart..<index, end: index + 1)
    }

    /// Whether some entity-tag of `#entity-tag` (RFC 9110 §5.6.1: empty elements and OWS around commas
    /// allowed) satisfies `predicate`; false when none does or the list is malformed anywhere.
    static func containsTag(
        in list: UnsafeBufferPointer<UInt8>, where predicate: (Parsed, UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Bool {
        var index = 0
        var found = false
        while index < list.count {
            let byte = list[index]
            if byte == UInt8(ascii: ",") || ASCII.isWhitespace(byte) {
                index += 1
                continue
            }
            guard let tag = parse(list, from: index) else { return false }
            if !found && predicate(tag, list) { found = true }
            index = tag.end
            // After a tag: OWS, then a comma or the end.
            while index < list.count && ASCII.isWhitespace(list[index]) { index += 1 }
            guard index == list.count || list[index] == UInt8(ascii: ",") else { return false }
        }
        return found
    }

    private static func agree(
        _ a: Parsed, in left: UnsafeBufferPointer<UInt8>, _ b: Parsed, in right: UnsafeBufferPointer<UInt8>,
        using comparison: Comparison
    ) -> Bool {
        if comparison == .strong && (a.isWeak || b.isWeak) { return false }
        guard a.opaque.count == b.opaque.count else { return false }
        for offset in 0..<a.opaque.count where left[a.opaque.lowerBound + offset] != right[b.opaque.lowerBound + offset] {
            return false
        }
        return true
    }
}
