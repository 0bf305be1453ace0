internal import CPostgres
import Dispatch
import EventLoops
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection (`PGconn`) in non-blocking mode, driven by an event loop.
///
/// A statement is sent from the calling thread (libpq only buffers and writes what the socket takes), then
/// the task waits for the socket on the event loop it runs on (`EventLoop.current`: an HTTP loop for a
/// request handler), or on Storage's own loop when it runs elsewhere. A handler's query therefore never
/// blocks a thread and never leaves its loop's thread. Only opening a connection blocks (name lookup,
/// TCP/TLS, authentication, bounded by `connect_timeout`), on a Dispatch thread, once per pooled connection.
///
/// One task at a time holds the connection (the pool lends it to one borrower, whose calls run in
/// sequence), hence `@unchecked Sendable`.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let socket: SocketWatch
    private let socketDescriptor: Int32
    /// Names of statements prepared on this connection.
    private var prepared: Set<String> = []
    /// When the connection was last handed back to the pool; read and written by the pool under its lock.
    var lastReleased = ContinuousClock.now
    /// The pool's generation when the connection was opened (see `ConnectionPoolState.generation`).
    var generation = 0

    private init(handle: OpaquePointer) {
        self.handle = handle
        self.socketDescriptor = PQsocket(handle)
        self.socket = SocketWatch(fd: socketDescriptor)
    }

    deinit {
        // libpq closes its socket itself when the connection is lost; its number may be reused by now.
        if PQsocket(handle) == socketDescriptor { socket.close() } else { socket.abandon() }
        PQfinish(handle)
    }

    /// Opens a connection, applies the session settings and switches it to non-blocking mode.
    /// - Parameters:
    ///   - target: Where to connect (URI or keyword string); later keywords here override its defaults.
    ///   - session: Settings applied once per connection (`statement_timeout`, `TimeZone`, …).
    static func open(
        target: ConnectionTarget, connectTimeout: Duration, session: [String: String]
    ) async throws -> PostgresConnection {
        let connection = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try connect(target: target, connectTimeout: connectTimeout) })
            }
        }
        if !session.isEmpty {
            // Values are our own configuration (numbers and fixed words), quoted as literals anyway.
            let script = session.sorted { $0.key < $1.key }.map { key, value in
                "SET \(key) = '\(value.replacingOccurrences(of: "'", with: "''"))'"
            }.joined(separator: "; ")
            try await connection.executeScript(unsafeSQL: script)
        }
        return connection
    }

    /// Connects with libpq's blocking `PQconnectdbParams`; call off the event loops.
    private static func connect(target: ConnectionTarget, connectTimeout: Duration) throws -> PostgresConnection {
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
        guard PQstatus(handle) == CONNECTION_OK, PQsetnonblocking(handle, 1) == 0 else {
            // libpq's reason (refused, no such socket, authentication failed…) names hosts and roles,
            // never passwords; operators need it, and Portal's problem mapping never shows it to clients.
            let reason = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
            PQfinish(handle)
            let firstLine = reason.split(separator: "\n").first.map(String.init) ?? "unknown reason"
            throw DatabaseError(code: .connectionFailed, context: "could not connect: \(firstLine)")
        }
        // Server notices (NOTICE, WARNING) may quote values; libpq would print them on stderr. Drop them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return PostgresConnection(handle: handle)
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

    /// Whether the socket waits on `loop` (it last waited there). Read by the pool, under its lock, while
    /// the connection is idle.
    func isWatched(on loop: EventLoop?) -> Bool { socket.loop === loop }

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

    /// Reads whatever the server sent while idle, without blocking, so that a connection the server has
    /// closed shows as broken before it is lent.
    func absorbPendingInput() -> Bool {
        PQconsumeInput(handle) == 1 && !isBroken
    }

    /// Runs one statement with bound parameters (extended protocol, text results).
    func execute(_ sql: SQL) async throws -> QueryResult {
        try PostgresParameters.with(sql.bindings) { count, types, values, lengths, formats in
            // `withCString` lends a native string's own NUL-terminated buffer; passing the String itself
            // would copy it into a new array on every call.
            try sql.text.withCString { text in
                try sent(PQsendQueryParams(handle, text, count, types, values, lengths, formats, 0))
            }
        }
        return try await singleResult()
    }

    /// Runs a prepared statement, preparing it on this connection the first time.
    func execute(_ statement: PreparedStatement, bindings: [SQLBinding]) async throws -> QueryResult {
        if !prepared.contains(statement.name) {
            let types = statement.parameterTypes.map { Oid($0.rawValue) }
            try sent(PQsendPrepare(handle, statement.name, statement.text, Int32(types.count), types))
            _ = try await singleResult()
            prepared.insert(statement.name)
        }
        try PostgresParameters.with(bindings) { count, _, values, lengths, formats in
            try statement.name.withCString { name in
                try sent(PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0))
            }
        }
        return try await singleResult()
    }

    /// Runs SQL text through the simple query protocol: several statements, no parameters.
    ///
    /// For migration files and our own fixed commands only, hence the name.
    func executeScript(unsafeSQL script: String) async throws {
        try sent(PQsendQuery(handle, script))
        try await flush()
        var failure: DatabaseError?
        while let result = try await nextResult() {
            if failure == nil { failure = checkStatus(result) }
            PQclear(result)
        }
        if let failure { throw failure }
        if isBroken { throw DatabaseError(code: .connectionFailed, context: "connection lost") }
    }

    /// Streams rows into a table with `COPY … FROM STDIN` (text format, PostgreSQL `COPY` §File Formats).
    /// - Returns: The number of rows copied.
    func copy(into table: String, columns: [String], rows: some Sequence<[SQLBinding]>) async throws -> Int {
        let columnList = columns.map(Identifier.quoted).joined(separator: ", ")
        try sent(PQsendQuery(handle, "COPY \(Identifier.quoted(table)) (\(columnList)) FROM STDIN"))
        try await flush()
        let start = try await nextResult()
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            let failure = consumeFailure(start)
            while let rest = try? await nextResult() { PQclear(rest) }
            throw failure
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 * 1024)
        var sendFailed = false
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
            if buffer.count >= 60 * 1024 {
                if !(try await putCopyData(buffer)) { sendFailed = true; break }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !sendFailed, encodingFailure == nil, !buffer.isEmpty, !(try await putCopyData(buffer)) { sendFailed = true }
        while !sendFailed {
            let ended = PQputCopyEnd(handle, encodingFailure == nil ? nil : "invalid value")
            if ended == 1 { break }
            if ended < 0 { sendFailed = true; break }
            await waitForSocket(Epoll.writable)
        }
        var failure: DatabaseError? = sendFailed ? DatabaseError(code: .connectionFailed) : nil
        var count = 0
        if !sendFailed {
            try await flush()
            while let result = try await nextResult() {
                if let error = checkStatus(result) { failure = failure ?? error } else {
                    count = Int(String(cString: PQcmdTuples(result))) ?? 0
                }
                PQclear(result)
            }
        }
        if let encodingFailure { throw encodingFailure }
        if let failure { throw failure }
        return count
    }

    // MARK: - Non-blocking I/O

    /// Checks what a `PQsend…` call returned.
    private func sent(_ status: Int32) throws {
        guard status == 1 else { throw consumeFailure(nil) }
    }

    /// Queues one block of COPY data, waiting while libpq's buffer is full; false if the connection failed.
    private func putCopyData(_ bytes: [UInt8]) async throws -> Bool {
        while true {
            let status = bytes.withUnsafeBufferPointer { pointer in
                pointer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            if status == 1 { return true }
            if status < 0 { return false }
            await waitForSocket(Epoll.writable)
            guard PQflush(handle) >= 0 else { return false }
        }
    }

    /// Sends what libpq still holds, reading meanwhile so the server never blocks on a full pipe
    /// (libpq §34.10, "Asynchronous Command Processing").
    @inline(__always)
    private func flush() async throws {
        // Usually the send wrote everything already: no suspension point then.
        if PQflush(handle) == 0 { return }
        try await flushWaiting()
    }

    private func flushWaiting() async throws {
        while true {
            let status = PQflush(handle)
            if status == 0 { return }
            if status < 0 { throw DatabaseError(code: .connectionFailed, context: "connection lost") }
            await waitForSocket(Epoll.readable | Epoll.writable)
            guard PQconsumeInput(handle) == 1 else {
                throw DatabaseError(code: .connectionFailed, context: "connection lost")
            }
        }
    }

    /// The next result of the command in progress, or nil when it is complete; waits for the socket
    /// while libpq needs more input.
    @inline(__always)
    private func nextResult() async throws -> OpaquePointer? {
        if PQisBusy(handle) == 0 { return PQgetResult(handle) }
        return try await nextResultWaiting()
    }

    private func nextResultWaiting() async throws -> OpaquePointer? {
        while PQisBusy(handle) == 1 {
            await waitForSocket(Epoll.readable)
            guard PQconsumeInput(handle) == 1 else {
                throw DatabaseError(code: .connectionFailed, context: "connection lost")
            }
        }
        return PQgetResult(handle)
    }

    /// The result of a one-statement command, decoded, after draining the command's end marker.
    private func singleResult() async throws -> QueryResult {
        try await flush()
        let first = try await nextResult()
        var extra: [OpaquePointer] = []
        while let more = try await nextResult() { extra.append(more) }
        extra.forEach { PQclear($0) }
        return try consume(first)
    }

    /// Waits until the socket is ready, on the calling thread's event loop or Storage's own.
    private func waitForSocket(_ events: UInt32) async {
        // After a lost connection libpq has closed the socket: never arm a number that is no longer ours.
        guard PQsocket(handle) == socketDescriptor else { return }
        await socket.wait(for: events, on: EventLoop.current ?? StorageLoop.shared)
    }

    // MARK: - Results

    private func consume(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw consumeFailure(nil) }
        if let failure = checkStatus(result) {
            PQclear(result)
            throw failure
        }
        return QueryResult(taking: result)
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
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
