public import Foundation

/// Why a column's text could not become a Swift value; wrapped into a `DatabaseError` by `PostgresRow`.
public struct SQLDecodingFailure: Error, Sendable {
    /// A fixed phrase, never the value.
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A Swift type that a column can be decoded into, from PostgreSQL's text output format.
public protocol SQLDecodable: Sendable {
    /// Decodes a column value.
    /// - Parameters:
    ///   - sqlText: The value in text format; `nil` for SQL `NULL`.
    ///   - type: The column's type, checked for compatibility.
    /// - Throws: `SQLDecodingFailure`.
    init(sqlText: String?, type: PostgresType) throws
}

extension SQLDecodable {
    static func require(_ text: String?) throws -> String {
        guard let text else { throw SQLDecodingFailure("unexpected NULL") }
        return text
    }

    static func check(_ type: PostgresType, _ allowed: Bool) throws {
        guard allowed else { throw SQLDecodingFailure("incompatible column type") }
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        self = try sqlText.map { try Wrapped(sqlText: $0, type: type) }
    }
}

extension Int: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type.isInteger)
        guard let value = Int(try Self.require(sqlText)) else { throw SQLDecodingFailure("not an integer") }
        self = value
    }
}

extension Int32: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type.isInteger)
        guard let value = Int32(try Self.require(sqlText)) else { throw SQLDecodingFailure("out of range") }
        self = value
    }
}

extension Int64: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type.isInteger)
        guard let value = Int64(try Self.require(sqlText)) else { throw SQLDecodingFailure("not an integer") }
        self = value
    }
}

extension Double: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .float8 || type == .numeric || type == PostgresType(rawValue: 700))
        guard let value = Double(try Self.require(sqlText)) else { throw SQLDecodingFailure("not a number") }
        self = value
    }
}

extension Bool: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .bool)
        switch try Self.require(sqlText) {
        case "t": self = true
        case "f": self = false
        default: throw SQLDecodingFailure("not a boolean")
        }
    }
}

extension String: SQLDecodable {
    /// Any column's text form decodes as `String` except `bytea`, whose text is hex, not characters.
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type != .bytea)
        self = try Self.require(sqlText)
    }
}

extension UUID: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .uuid)
        guard let value = UUID(uuidString: try Self.require(sqlText)) else {
            throw SQLDecodingFailure("not a UUID")
        }
        self = value
    }
}

extension Date: SQLDecodable {
    /// Decodes `timestamptz` (and `timestamp`, read as UTC) to the microsecond.
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .timestamptz || type == .timestamp)
        guard let value = TimestampText.parse(Substring(try Self.require(sqlText))) else {
            throw SQLDecodingFailure("not a finite timestamp")
        }
        self = value
    }
}

extension Data: SQLDecodable {
    /// Decodes `bytea` from its hex text form `\x0a1b…` (PostgreSQL §8.4.1).
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .bytea)
        let text = try Self.require(sqlText).utf8
        guard text.count % 2 == 0, text.starts(with: [92, 120]) else { throw SQLDecodingFailure("not hex bytea") }
        var out = Data(capacity: text.count / 2 - 1)
        var high: UInt8?
        for byte in text.dropFirst(2) {
            let nibble: UInt8
            switch byte {
            case 48...57: nibble = byte - 48
            case 97...102: nibble = byte - 87
            case 65...70: nibble = byte - 55
            default: throw SQLDecodingFailure("not hex bytea")
            }
            if let pending = high {
                out.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self = out
    }
}

extension JSONB: SQLDecodable {
    public init(sqlText: String?, type: PostgresType) throws {
        try Self.check(type, type == .jsonb || type == .json)
        self.init(text: try Self.require(sqlText))
    }
}

extension Array: SQLDecodable where Element: SQLDecodable & SQLArrayElement {
    /// Decodes a one-dimensional array from its text form `{a,"b c",NULL}` (PostgreSQL §8.15.6).
    public init(sqlText: String?, type: PostgresType) throws {
        let elementType: PostgresType
        switch type {
        case .textArray, .varcharArray: elementType = .text
        case .int2Array, .int4Array, .int8Array: elementType = .int8
        default: throw SQLDecodingFailure("incompatible column type")
        }
        let elements = try ArrayLiteral.parse(try Self.require(sqlText))
        self = try elements.map { try Element(sqlText: $0, type: elementType) }
    }
}

/// Parser of one-dimensional array literals in PostgreSQL's output format.
enum ArrayLiteral {
    static func parse(_ text: String) throws -> [String?] {
        var scalars = Array(text.unicodeScalars)[...]
        guard scalars.first == "{", scalars.last == "}" else { throw SQLDecodingFailure("not an array") }
        scalars = scalars.dropFirst().dropLast()
        var elements: [String?] = []
        if scalars.isEmpty { return elements }
        var current = String.UnicodeScalarView()
        var isQuoted = false
        var wasQuoted = false
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if isQuoted {
                if scalar == "\\" {
                    index += 1
                    guard index < scalars.endIndex else { throw SQLDecodingFailure("bad escape") }
                    current.append(scalars[index])
                } else if scalar == "\"" {
                    isQuoted = false
                } else {
                    current.append(scalar)
                }
            } else if scalar == "\"" {
                isQuoted = true
                wasQuoted = true
            } else if scalar == "," {
                elements.append(finish(current, wasQuoted))
                current = String.UnicodeScalarView()
                wasQuoted = false
            } else if scalar == "{" {
                throw SQLDecodingFailure("multidimensional arrays are not supported")
            } else {
                current.append(scalar)
            }
            index += 1
        }
        guard !isQuoted else { throw SQLDecodingFailure("unterminated quote") }
        elements.append(finish(current, wasQuoted))
        return elements
    }

    private static func finish(_ scalars: String.UnicodeScalarView, _ wasQuoted: Bool) -> String? {
        let text = String(scalars)
        return !wasQuoted && text == "NULL" ? nil : text
    }
}
