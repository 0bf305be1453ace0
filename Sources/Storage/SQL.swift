/// A statement with its parameters kept apart from its text.
///
/// Interpolated values become `$1`, `$2`, … placeholders and travel as bound parameters, as in
/// postgres-nio's `PostgresQuery`:
/// ```swift
/// let rows = try await connection.query("SELECT size FROM blobs WHERE sha256 = \(address.hex)")
/// ```
/// Text that is not a parameter must be a literal in the source, or be passed through the deliberately
/// long `init(unsafeSQL:bindings:)`.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$n` placeholders.
    public private(set) var text: String
    /// The parameters, in placeholder order.
    public private(set) var bindings: [SQLBinding]

    /// A statement with no parameters from a literal.
    public init(stringLiteral value: String) {
        text = value
        bindings = []
    }

    /// A statement built by interpolation; each interpolated value is bound.
    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        bindings = stringInterpolation.bindings
    }

    /// A statement from text built at run time, with its own `$n` placeholders.
    ///
    /// The caller promises that `unsafeSQL` holds nothing that came from a request.
    public init(unsafeSQL: String, bindings: [SQLBinding] = []) {
        text = unsafeSQL
        self.bindings = bindings
    }

    /// The statement text only; bound values are never printed.
    public var description: String { text }

    /// Collects literal text and bound values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var bindings: [SQLBinding] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            bindings.append(value.sqlBinding)
            text += "$\(bindings.count)"
        }

        /// Binds an optional value as the next parameter; `nil` is SQL `NULL`.
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            bindings.append(value.sqlBinding)
            text += "$\(bindings.count)"
        }

        /// Binds a prepared binding as the next parameter.
        public mutating func appendInterpolation(binding: SQLBinding) {
            bindings.append(binding)
            text += "$\(bindings.count)"
        }
    }
}

/// A statement prepared once per connection and executed many times (PostgreSQL `PREPARE`).
///
/// The name identifies it on every pooled connection; the pool prepares it on first use there.
public struct PreparedStatement: Sendable, Hashable {
    /// The server-side name.
    public let name: String
    /// The statement text with `$n` placeholders.
    public let text: String
    /// The parameter types; `.unspecified` lets the server infer one.
    public let parameterTypes: [PostgresType]

    /// Declares a prepared statement.
    /// - Parameters:
    ///   - name: Letters, digits and `_` only; unique per statement text in the process.
    ///   - unsafeSQL: The statement text, from a source literal.
    ///   - parameterTypes: The parameter types, in placeholder order.
    public init(name: String, unsafeSQL: String, parameterTypes: [PostgresType] = []) {
        self.name = name
        self.text = unsafeSQL
        self.parameterTypes = parameterTypes
    }
}
