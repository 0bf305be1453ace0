/// A pooled connection lent to a `Database.withConnection` or `withTransaction` closure.
///
/// Valid only inside that closure. Each call sends its statement and suspends the task until the server
/// has answered, on the event loop the task runs on (see `PostgresConnection`); no thread blocks.
public struct DatabaseConnection: Sendable {
    let raw: PostgresConnection

    /// Runs a statement and returns its rows.
    /// - Throws: `DatabaseError`.
    public func query(_ sql: SQL) async throws -> QueryResult {
        try await raw.execute(sql)
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await raw.execute(sql).affectedRowCount
    }

    /// Runs a prepared statement, preparing it on this connection the first time.
    public func query(_ statement: PreparedStatement, _ bindings: [SQLBinding]) async throws -> QueryResult {
        try await raw.execute(statement, bindings: bindings)
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
        return try await raw.copy(into: table, columns: columns, rows: rows)
    }

    /// Runs a script of several statements without parameters (simple query protocol).
    ///
    /// For migrations and fixed maintenance commands written in the source, never request data.
    public func executeScript(unsafeSQL script: String) async throws {
        try await raw.executeScript(unsafeSQL: script)
    }

}
