/// An error from the database layer: a code, the server's SQLSTATE when there is one, and schema names.
///
/// Modelled on postgres-nio's `PSQLError`: its `description` holds the code, SQLSTATE and the names of the
/// constraint, table and column involved, never the server's message text, which may quote bound values
/// (`invalid input syntax for type integer: "…"`), nor any parameter.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an open set.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The server rejected a statement; see `sqlState`.
        public static let server = Code(rawValue: "server")
        /// No connection could be opened, or an open one broke.
        public static let connectionFailed = Code(rawValue: "connectionFailed")
        /// No pooled connection became free within the acquire timeout.
        public static let poolTimeout = Code(rawValue: "poolTimeout")
        /// The pool was shut down.
        public static let poolClosed = Code(rawValue: "poolClosed")
        /// The server is known to be down (the private cluster crashed and is being restarted), so no
        /// connection was attempted and none is lent until it is back.
        public static let serverDown = Code(rawValue: "serverDown")
        /// A column could not be decoded as the requested Swift type.
        public static let decoding = Code(rawValue: "decoding")
        /// A parameter cannot be sent (e.g. text with a NUL character).
        public static let invalidParameter = Code(rawValue: "invalidParameter")
        /// The server answered something the protocol does not allow at this point.
        public static let unexpectedResponse = Code(rawValue: "unexpectedResponse")
        /// A migration file already applied has different content now.
        public static let migrationChanged = Code(rawValue: "migrationChanged")
        /// A migration recorded as applied has no file.
        public static let migrationMissing = Code(rawValue: "migrationMissing")
        /// The migrations folder or a file in it is unusable.
        public static let migrationInvalid = Code(rawValue: "migrationInvalid")
        /// The private cluster could not be set up, started or stopped.
        public static let embeddedCluster = Code(rawValue: "embeddedCluster")
    }

    /// What went wrong.
    public var code: Code
    /// The five-character SQLSTATE (PostgreSQL Appendix A) for server errors.
    public var sqlState: String?
    /// Constraint named by the server (for integrity violations).
    public var constraint: String?
    /// Table named by the server.
    public var table: String?
    /// Column named by the server.
    public var column: String?
    /// Context written by us, never containing values: which file, which column index, which step.
    public var context: String?

    /// Creates an error.
    public init(
        code: Code, sqlState: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, context: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.constraint = constraint
        self.table = table
        self.column = column
        self.context = context
    }

    public var description: String {
        var parts = ["DatabaseError(\(code.rawValue)"]
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let table { parts.append("table: \(table)") }
        if let column { parts.append("column: \(column)") }
        if let context { parts.append("context: \(context)") }
        return parts.joined(separator: ", ") + ")"
    }
}

extension DatabaseError {
    /// Well-known SQLSTATEs (PostgreSQL Appendix A).
    public enum SQLState {
        public static let uniqueViolation = "23505"
        public static let foreignKeyViolation = "23503"
        public static let checkViolation = "23514"
        public static let notNullViolation = "23502"
        public static let serializationFailure = "40001"
        public static let deadlockDetected = "40P01"
        public static let queryCanceled = "57014"
        public static let adminShutdown = "57P01"
        public static let crashShutdown = "57P02"
        public static let cannotConnectNow = "57P03"
        public static let tooManyConnections = "53300"
        public static let undefinedTable = "42P01"
        public static let lockNotAvailable = "55P03"
    }

    /// Whether retrying the whole transaction may succeed: serialisation failure or deadlock.
    public var isTransactionRetryable: Bool {
        sqlState == SQLState.serializationFailure || sqlState == SQLState.deadlockDetected
    }

    /// Whether the database is unreachable or refusing work right now, so a later attempt may succeed.
    public var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .poolTimeout, .poolClosed, .serverDown: return true
        case .server:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || sqlState.hasPrefix("57P")
                || sqlState == SQLState.queryCanceled || isTransactionRetryable
        default: return false
        }
    }
}
