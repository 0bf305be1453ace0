/// An ordered list of header (or trailer) fields, looked up case-insensitively (RFC 9110 §5.1).
///
/// Order and duplicates are kept because some fields (`Set-Cookie`) may repeat and because the parser
/// must see every `Content-Length` to refuse differing duplicates.
public struct HTTPFields: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field line.
    public struct Field: Sendable, Equatable {
        /// The field name as sent.
        public var name: String
        /// The field value, without leading or trailing whitespace.
        public var value: String
    }

    var fields: [Field]

    /// An empty list.
    public init() { fields = [] }

    /// A list from literal pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// Number of field lines.
    public var count: Int { fields.count }

    /// The first value of `name`, or nil; setting replaces every line of that name (nil removes them).
    public subscript(_ name: String) -> String? {
        get {
            for field in fields where HTTPFields.equalsIgnoringCase(field.name, name) { return field.value }
            return nil
        }
        set {
            fields.removeAll { HTTPFields.equalsIgnoringCase($0.name, name) }
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPFields.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// True when a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a line, keeping any existing lines of that name.
    public mutating func append(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every line named `name`.
    public mutating func remove(_ name: String) { self[name] = nil }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison; field names are ASCII tokens.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard left.count == right.count else { return false }
                for index in 0..<left.count where ASCII.lowercased(left[index]) != ASCII.lowercased(right[index]) {
                    return false
                }
                return true
            }
        }
    }
}
