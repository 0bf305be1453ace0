internal import CPostgres
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection (`PGconn`) and the serial queue its blocking calls run on.
///
/// libpq calls block the calling thread until the server answers, so they never run on the Swift
/// cooperative pool or an HTTP event loop: each connection owns a serial `DispatchQueue` (an overcommit
/// queue, so a blocked call gets its own thread) and `DatabaseConnection` bridges to it with
/// continuations. Only code running on `queue` touches `handle`, hence `@unchecked Sendable`; the
/// exceptions are the non-blocking `absorbPendingInput()` and the status reads (`isBroken`, …), called by
/// the task that holds the connection from the pool while nothing is queued on it, so no other thread can
/// reach the handle at that moment.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The queue every call on this connection runs on.
    let queue: DispatchQueue
    /// Names of statements prepared on this connection.
    private var prepared: Set<String> = []
    /// When the connection was last handed back to the pool; read and written by the pool under its lock.
    var lastReleased = ContinuousClock.now

    private init(handle: OpaquePointer, queue: DispatchQueue) {
        self.handle = handle
        self.queue = queue
    }

    deinit { PQfinish(handle) }

    /// Opens a connection; call on `queue`.
    /// - Parameters:
    ///   - target: Where to connect (URI or keyword string); later keywords here override its defaults.
    ///   - session: Settings applied once per connection (`statement_timeout`, `TimeZone`, …).
    static func open(
        target: ConnectionTarget, connectTimeout: Duration, session: [String: String], queue: DispatchQueue
    ) throws -> PostgresConnection {
        // Defaults first, then the target: with expand_dbname the connection string's own keywords win
        // over earlier ones (libpq §34.1.2, PQconnectdbParams).
        let pairs: [(String, String)] = [
            ("connect_timeout", String(max(2, Int(connectTimeout.components.seconds)))),
            ("application_name", "portal"),
            ("dbname", target.connectionString),
        ]
        let handle: OpaquePointer? = withCStrings(pairs.map(\.0)) { keywords in
            withCStrings(pairs.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle else { throw DatabaseError(code: .connectionFailed, context: "out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            // libpq's reason (refused, no such socket, authentication failed…) names hosts and roles,
            // never passwords; operators need it, and `DatabaseProblem` never shows it to clients.
            let reason = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
            PQfinish(handle)
            let firstLine = reason.split(separator: "\n").first.map(String.init) ?? "unknown reason"
            throw DatabaseError(code: .connectionFailed, context: "could not connect: \(firstLine)")
        }
        // Server notices (NOTICE, WARNING) may quote values; libpq would print them on stderr. Drop them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, queue: queue)
        if !session.isEmpty {
            // Values are our own configuration (numbers and fixed words), quoted as literals anyway.
            let script = session.sorted { $0.key < $1.key }.map { key, value in
                "SET \(key) = '\(value.replacingOccurrences(of: "'", with: "''"))'"
            }.joined(separator: "; ")
            try connection.executeScript(unsafeSQL: script)
        }
        return connection
    }

    /// Whether a server accepts connections at `target` (libpq `PQpingParams`); blocks briefly.
    static func ping(_ target: ConnectionTarget) -> Bool {
        let keywords = ["connect_timeout", "dbname"]
        let values = ["2", target.connectionString]
        let status = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQpingParams(keywords, values, 1) }
        }
        return status == PQPING_OK
    }

    /// Whether the connection is unusable (the server closed it, or the socket broke).
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Whether a transaction is open or failed on this connection.
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Whether a command is still in progress (e.g. a body threw while a COPY was open).
    var isBusy: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_ACTIVE || status == PQTRANS_UNKNOWN
    }

    /// Reads whatever the server sent while idle, without blocking (libpq keeps its socket non-blocking),
    /// so that a connection the server has closed shows as broken before it is lent.
    func absorbPendingInput() -> Bool {
        PQconsumeInput(handle) == 1 && !isBroken
    }

    /// Runs one statement with bound parameters (extended protocol, text results).
    func execute(_ sql: SQL) throws -> QueryResult {
        try withParameters(sql.bindings) { count, types, values, lengths, formats in
            try consume(PQexecParams(handle, sql.text, count, types, values, lengths, formats, 0))
        }
    }

    /// Runs a prepared statement, preparing it on this connection the first time.
    func execute(_ statement: PreparedStatement, bindings: [SQLBinding]) throws -> QueryResult {
        if !prepared.contains(statement.name) {
            let types = statement.parameterTypes.map { Oid($0.rawValue) }
            _ = try consume(PQprepare(handle, statement.name, statement.text, Int32(types.count), types))
            prepared.insert(statement.name)
        }
        return try withParameters(bindings) { count, _, values, lengths, formats in
            try consume(PQexecPrepared(handle, statement.name, count, values, lengths, formats, 0))
        }
    }

    /// Runs SQL text through the simple query protocol: several statements, no parameters.
    ///
    /// For migration files and our own fixed commands only, hence the name.
    func executeScript(unsafeSQL script: String) throws {
        var result = PQexec(handle, script)
        var failure: DatabaseError?
        while let current = result {
            if failure == nil { failure = checkStatus(current) }
            PQclear(current)
            result = PQgetResult(handle)
        }
        if let failure { throw failure }
        if isBroken { throw DatabaseError(code: .connectionFailed, context: "connection lost") }
    }

    /// Streams rows into a table with `COPY … FROM STDIN` (text format, PostgreSQL `COPY` §File Formats).
    /// - Returns: The number of rows copied.
    func copy(into table: String, columns: [String], rows: some Sequence<[SQLBinding]>) throws -> Int {
        let columnList = columns.map(Identifier.quoted).joined(separator: ", ")
        let start = PQexec(handle, "COPY \(Identifier.quoted(table)) (\(columnList)) FROM STDIN")
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            throw consumeFailure(start)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 * 1024)
        var sendFailed = false
        func flush() {
            guard !buffer.isEmpty, !sendFailed else { return }
            let sent = buffer.withUnsafeBufferPointer { pointer in
                pointer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 { sendFailed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        var encodingFailure: DatabaseError?
        rowLoop: for row in rows {
            for (index, binding) in row.enumerated() {
                if index > 0 { buffer.append(9) }
                guard CopyText.append(binding, to: &buffer) else {
                    encodingFailure = DatabaseError(code: .invalidParameter, context: "COPY value \(index)")
                    break rowLoop
                }
            }
            buffer.append(10)
            if buffer.count >= 60 * 1024 { flush() }
        }
        flush()
        _ = PQputCopyEnd(handle, encodingFailure == nil ? nil : "invalid value")
        var failure: DatabaseError? = sendFailed ? DatabaseError(code: .connectionFailed) : nil
        var count = 0
        while let result = PQgetResult(handle) {
            if let error = checkStatus(result) { failure = failure ?? error } else {
                count = Int(String(cString: PQcmdTuples(result))) ?? 0
            }
            PQclear(result)
        }
        if let encodingFailure { throw encodingFailure }
        if let failure { throw failure }
        return count
    }

    // MARK: - Results

    private func consume(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw consumeFailure(nil) }
        defer { PQclear(result) }
        if let failure = checkStatus(result) { throw failure }
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [QueryResult.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<Int32(columnCount) {
            columns.append(
                QueryResult.Column(
                    name: String(cString: PQfname(result, column)),
                    type: PostgresType(rawValue: UInt32(PQftype(result, column)))))
        }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                    cells.append(String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self))
                }
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, cells: cells, affectedRowCount: affected)
    }

    private func consumeFailure(_ result: OpaquePointer?) -> DatabaseError {
        defer { if let result { PQclear(result) } }
        if let result, let error = checkStatus(result) { return error }
        if isBroken { return DatabaseError(code: .connectionFailed, context: "connection lost") }
        return DatabaseError(code: .unexpectedResponse)
    }

    /// The error a result carries, if any. Only SQLSTATE and schema names are kept (see `DatabaseError`).
    private func checkStatus(_ result: OpaquePointer) -> DatabaseError? {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_OUT, PGRES_COPY_IN:
            return nil
        default:
            func field(_ code: Character) -> String? {
                guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
                return String(cString: value)
            }
            let sqlState = field("C")
            if isBroken, sqlState == nil || sqlState == "08006" || sqlState == "57P01" {
                return DatabaseError(code: .connectionFailed, sqlState: sqlState, context: "connection lost")
            }
            return DatabaseError(
                code: .server, sqlState: sqlState, constraint: field("n"), table: field("t"),
                column: field("c"))
        }
    }

    // MARK: - Parameters

    private func withParameters<R>(
        _ bindings: [SQLBinding],
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) throws -> R
    ) throws -> R {
        var storage: [UnsafeMutablePointer<CChar>?] = []
        storage.reserveCapacity(bindings.count)
        defer { storage.forEach { $0?.deallocate() } }
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for (index, binding) in bindings.enumerated() {
            guard let bytes = binding.bytes else {
                storage.append(nil)
                lengths.append(0)
                formats.append(0)
                continue
            }
            // Text parameters are C strings: a NUL would silently cut the value short, so refuse it.
            if !binding.isBinary, bytes.contains(0) {
                throw DatabaseError(code: .invalidParameter, context: "parameter $\(index + 1) contains NUL")
            }
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(start: copy, count: bytes.count).copyMemory(from: source)
            }
            copy[bytes.count] = 0
            storage.append(copy)
            lengths.append(Int32(bytes.count))
            formats.append(binding.isBinary ? 1 : 0)
        }
        let types = bindings.map { Oid($0.type.rawValue) }
        let values: [UnsafePointer<CChar>?] = storage.map { $0.map { UnsafePointer($0) } }
        return try types.withUnsafeBufferPointer { types in
            try values.withUnsafeBufferPointer { values in
                try lengths.withUnsafeBufferPointer { lengths in
                    try formats.withUnsafeBufferPointer { formats in
                        try body(
                            Int32(bindings.count), types.baseAddress, values.baseAddress, lengths.baseAddress,
                            formats.baseAddress)
                    }
                }
            }
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
