import Dispatch

/// A pooled connection lent to a `Database.withConnection` or `withTransaction` closure.
///
/// Valid only inside that closure. Each call hops to the connection's own dispatch queue, where libpq
/// blocks, and resumes the caller when the server has answered.
public struct DatabaseConnection: Sendable {
    let raw: PostgresConnection

    /// Runs a statement and returns its rows.
    /// - Throws: `DatabaseError`.
    public func query(_ sql: SQL) async throws -> QueryResult {
        try await perform { try $0.execute(sql) }
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await perform { try $0.execute(sql).affectedRowCount }
    }

    /// Runs a prepared statement, preparing it on this connection the first time.
    public func query(_ statement: PreparedStatement, _ bindings: [SQLBinding]) async throws -> QueryResult {
        try await perform { try $0.execute(statement, bindings: bindings) }
    }

    /// Inserts many rows in one `COPY … FROM STDIN`, for bulk paths.
    /// - Parameters:
    ///   - table: A table name in `[a-z0-9_]`.
    ///   - columns: Column names in `[a-z0-9_]`, in the order of each row's bindings.
    ///   - rows: The rows; text values must not contain NUL.
    /// - Returns: The number of rows inserted.
    @discardableResult
    public func copy(into table: String, columns: [String], rows: [[SQLBinding]]) async throws -> Int {
        guard Identifier.isValid(table), columns.allSatisfy(Identifier.isValid) else {
            throw DatabaseError(code: .invalidParameter, context: "COPY identifiers must match [a-z0-9_]")
        }
        return try await perform { try $0.copy(into: table, columns: columns, rows: rows) }
    }

    /// Runs a script of several statements without parameters (simple query protocol).
    ///
    /// For migrations and fixed maintenance commands written in the source, never request data.
    public func executeScript(unsafeSQL script: String) async throws {
        try await perform { try $0.executeScript(unsafeSQL: script) }
    }

    func perform<T: Sendable>(_ work: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let connection = raw
        return try await withCheckedThrowingContinuation { continuation in
            connection.queue.async {
                continuation.resume(with: Result { try work(connection) })
            }
        }
    }
}
