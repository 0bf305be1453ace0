/// The rows of a statement, copied out of libpq so that no C memory outlives the call.
public struct QueryResult: Sendable, RandomAccessCollection {
    /// A result column.
    public struct Column: Sendable, Hashable {
        /// The column's name (or alias).
        public let name: String
        /// The column's type.
        public let type: PostgresType
    }

    final class Storage: Sendable {
        let columns: [Column]
        /// Row-major text values; `nil` is SQL `NULL`.
        let cells: [String?]

        init(columns: [Column], cells: [String?]) {
            self.columns = columns
            self.cells = cells
        }
    }

    let storage: Storage
    /// Rows changed by `INSERT`, `UPDATE`, `DELETE`, `COPY`… (`PQcmdTuples`), 0 otherwise.
    public let affectedRowCount: Int

    init(columns: [Column], cells: [String?], affectedRowCount: Int) {
        storage = Storage(columns: columns, cells: cells)
        self.affectedRowCount = affectedRowCount
    }

    /// The result's columns.
    public var columns: [Column] { storage.columns }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.columns.isEmpty ? 0 : storage.cells.count / storage.columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(storage: storage, index: position) }
}

/// One row of a `QueryResult`, decoded column by column into Swift types.
public struct PostgresRow: Sendable {
    let storage: QueryResult.Storage
    let index: Int

    /// The value of column `column` as `T`.
    /// - Throws: `DatabaseError` `.decoding` when the column is absent, `NULL` for a non-optional `T`, of
    ///   an incompatible type or malformed. The error names the column, never its value.
    public func decode<T: SQLDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        let columns = storage.columns
        guard column >= 0, column < columns.count else {
            throw DatabaseError(code: .decoding, context: "no column at index \(column)")
        }
        let text = storage.cells[index * columns.count + column]
        do {
            return try T(sqlText: text, type: columns[column].type)
        } catch let error as SQLDecodingFailure {
            throw DatabaseError(
                code: .decoding, column: columns[column].name,
                context: "cannot decode \(columns[column].type) as \(T.self): \(error.reason)")
        }
    }

    /// The value of the column named `name` as `T`.
    public func decode<T: SQLDecodable>(_ type: T.Type = T.self, named name: String) throws -> T {
        guard let column = storage.columns.firstIndex(where: { $0.name == name }) else {
            throw DatabaseError(code: .decoding, column: name, context: "no such column")
        }
        return try decode(type, at: column)
    }

    /// Whether column `column` is SQL `NULL`.
    public func isNull(at column: Int) -> Bool {
        storage.cells[index * storage.columns.count + column] == nil
    }
}
