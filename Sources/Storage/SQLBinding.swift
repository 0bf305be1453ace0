public import Foundation

/// One bound parameter of a statement: a type and the value's bytes, never spliced into SQL text.
///
/// Values travel in the extended query protocol's parameter slots (PostgreSQL protocol §55.2.3), so no
/// content of a value can change the statement: that is what makes every query injection-proof.
public struct SQLBinding: Sendable, CustomStringConvertible {
    /// The parameter's declared type.
    public var type: PostgresType
    /// Whether `bytes` use the binary format (only for `bytea`); the text format otherwise.
    public var isBinary: Bool
    /// The value as it was given: text stays a `String` (a short one lives inline, with no allocation),
    /// so binding a number or a short code costs no byte array.
    private var value: Value

    private enum Value {
        case null
        case text(String)
        case bytes([UInt8])
    }

    /// Creates a binding from raw parts.
    public init(type: PostgresType, bytes: [UInt8]?, isBinary: Bool = false) {
        self.type = type
        self.isBinary = isBinary
        self.value = bytes.map(Value.bytes) ?? .null
    }

    /// A text-format binding of `text`'s UTF-8.
    init(type: PostgresType, text: String) {
        self.type = type
        self.isBinary = false
        self.value = .text(text)
    }

    /// Creates a binding of any bindable value.
    public init(_ value: some SQLBindable) { self = value.sqlBinding }

    /// The value's bytes in the format given by `isBinary`; `nil` is SQL `NULL`.
    public var bytes: [UInt8]? {
        get {
            switch value {
            case .null: nil
            case .text(let text): Array(text.utf8)
            case .bytes(let bytes): bytes
            }
        }
        set { value = newValue.map(Value.bytes) ?? .null }
    }

    /// Calls `body` with the value's bytes in place; nil, without calling it, for SQL `NULL`.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        switch value {
        case .null:
            return nil
        case .text(var text):
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        case .bytes(let bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }

    /// Says only the type: bound values may be personal data and are never printed.
    public var description: String {
        if case .null = value { return "SQLBinding(\(type), null)" }
        return "SQLBinding(\(type), <redacted>)"
    }
}

/// A Swift value that can be bound as a statement parameter.
public protocol SQLBindable: Sendable {
    /// The PostgreSQL type values of this Swift type are sent as.
    static var sqlType: PostgresType { get }
    /// This value as a parameter.
    var sqlBinding: SQLBinding { get }
}

extension SQLBindable {
    func textBinding(_ text: String) -> SQLBinding {
        SQLBinding(type: Self.sqlType, text: text)
    }
}

extension Int: SQLBindable {
    public static var sqlType: PostgresType { .int8 }
    public var sqlBinding: SQLBinding { textBinding(String(self)) }
}

extension Int32: SQLBindable {
    public static var sqlType: PostgresType { .int4 }
    public var sqlBinding: SQLBinding { textBinding(String(self)) }
}

extension Int64: SQLBindable {
    public static var sqlType: PostgresType { .int8 }
    public var sqlBinding: SQLBinding { textBinding(String(self)) }
}

extension Double: SQLBindable {
    public static var sqlType: PostgresType { .float8 }
    public var sqlBinding: SQLBinding {
        // PostgreSQL spells the special values this way in float8in().
        if isNaN { return textBinding("NaN") }
        if isInfinite { return textBinding(self < 0 ? "-Infinity" : "Infinity") }
        return textBinding("\(self)")
    }
}

extension Bool: SQLBindable {
    public static var sqlType: PostgresType { .bool }
    public var sqlBinding: SQLBinding { textBinding(self ? "t" : "f") }
}

extension String: SQLBindable {
    public static var sqlType: PostgresType { .text }
    public var sqlBinding: SQLBinding { textBinding(self) }
}

extension UUID: SQLBindable {
    public static var sqlType: PostgresType { .uuid }
    public var sqlBinding: SQLBinding { textBinding(uuidString.lowercased()) }
}

extension Date: SQLBindable {
    public static var sqlType: PostgresType { .timestamptz }
    public var sqlBinding: SQLBinding { textBinding(TimestampText.format(self)) }
}

extension Data: SQLBindable {
    public static var sqlType: PostgresType { .bytea }
    /// `bytea` goes in the binary format: the bytes as they are, no escaping.
    public var sqlBinding: SQLBinding { SQLBinding(type: .bytea, bytes: Array(self), isBinary: true) }
}

/// A `jsonb` value held as its JSON text.
///
/// A wrapper rather than `String` so that the type sent is `jsonb` and the server validates the JSON.
public struct JSONB: SQLBindable, Hashable, CustomStringConvertible {
    /// The JSON text (UTF-8).
    public var text: String

    /// Wraps JSON text.
    public init(text: String) { self.text = text }

    /// Wraps JSON encoded as UTF-8 bytes.
    public init(data: Data) { self.text = String(decoding: data, as: UTF8.self) }

    /// The JSON text as UTF-8 bytes, for `JSONDecoder`.
    public var data: Data { Data(text.utf8) }

    public static var sqlType: PostgresType { .jsonb }
    public var sqlBinding: SQLBinding { textBinding(text) }
    public var description: String { "JSONB(<redacted>)" }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public static var sqlType: PostgresType { Wrapped.sqlType }
    public var sqlBinding: SQLBinding {
        switch self {
        case .some(let value): value.sqlBinding
        case .none: SQLBinding(type: Wrapped.sqlType, bytes: nil)
        }
    }
}

/// An element type of a one-dimensional array parameter (`text[]`, `bigint[]`).
public protocol SQLArrayElement: Sendable {
    /// The array type, e.g. `text[]` for `String`.
    static var sqlArrayType: PostgresType { get }
    /// The element quoted for an array literal (PostgreSQL §8.15.6).
    var arrayLiteralElement: String { get }
}

extension String: SQLArrayElement {
    public static var sqlArrayType: PostgresType { .textArray }
    public var arrayLiteralElement: String {
        // Double-quote every element and backslash-escape `"` and `\`: nothing else is special inside.
        var out = "\""
        for character in unicodeScalars {
            if character == "\"" || character == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(character)
        }
        return out + "\""
    }
}

extension Int: SQLArrayElement {
    public static var sqlArrayType: PostgresType { .int8Array }
    public var arrayLiteralElement: String { String(self) }
}

extension Array: SQLBindable where Element: SQLArrayElement {
    public static var sqlType: PostgresType { Element.sqlArrayType }
    public var sqlBinding: SQLBinding {
        textBinding("{" + map(\.arrayLiteralElement).joined(separator: ",") + "}")
    }
}
