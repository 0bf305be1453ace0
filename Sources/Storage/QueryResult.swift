internal import CPostgres
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rows of a statement: libpq's result (`PGresult`), read in place and freed with the last copy.
///
/// Nothing is copied up front: a value becomes a Swift `String` only when a row decodes it, so a lookup
/// that reads one cell pays for one cell. libpq never changes a `PGresult` after handing it over, so
/// reading it from any thread is safe (libpq §34.21, "Behavior in Threaded Programs").
public struct QueryResult: Sendable, RandomAccessCollection {
    /// A result column.
    public struct Column: Sendable, Hashable {
        /// The column's name (or alias).
        public let name: String
        /// The column's type.
        public let type: PostgresType
    }

    /// Owns the `PGresult`.
    final class Storage: @unchecked Sendable {
        let result: OpaquePointer
        let rowCount: Int
        let columnCount: Int

        init(_ result: OpaquePointer) {
            self.result = result
            rowCount = Int(PQntuples(result))
            columnCount = Int(PQnfields(result))
        }

        deinit { PQclear(result) }

        func name(of column: Int) -> String { String(cString: PQfname(result, Int32(column))) }

        /// The first column named exactly `name` (no case folding, unlike `PQfnumber`), compared in place.
        func column(named name: String) -> Int? {
            name.withCString { name in
                (0..<columnCount).first { strcmp(PQfname(result, Int32($0)), name) == 0 }
            }
        }

        func type(of column: Int) -> PostgresType { PostgresType(rawValue: UInt32(PQftype(result, Int32(column)))) }

        /// The text of one cell; nil for SQL `NULL`.
        func text(row: Int, column: Int) -> String? {
            let row = Int32(row)
            let column = Int32(column)
            if PQgetisnull(result, row, column) == 1 { return nil }
            let length = Int(PQgetlength(result, row, column))
            let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
            return String(decoding: bytes, as: UTF8.self)
        }

        func isNull(row: Int, column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }
    }

    let storage: Storage
    /// Rows changed by `INSERT`, `UPDATE`, `DELETE`, `COPY`… (`PQcmdTuples`), 0 otherwise.
    public let affectedRowCount: Int

    /// Takes ownership of `result`, a successful one.
    init(taking result: OpaquePointer) {
        storage = Storage(result)
        affectedRowCount = QueryResult.decimal(PQcmdTuples(result))
    }

    /// The result's columns.
    public var columns: [Column] {
        (0..<storage.columnCount).map { Column(name: storage.name(of: $0), type: storage.type(of: $0)) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.columnCount == 0 ? 0 : storage.rowCount }
    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < endIndex, "row index out of range")
        return PostgresRow(storage: storage, index: position)
    }

    /// A non-negative decimal C string as libpq's `PQcmdTuples` gives it ("" when there is no count).
    private static func decimal(_ text: UnsafePointer<CChar>?) -> Int {
        guard var pointer = text else { return 0 }
        var value = 0
        while case let digit = Int(pointer.pointee) - 48, (0...9).contains(digit) {
            let (product, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = product.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return 0 }
            value = sum
            pointer += 1
        }
        return value
    }
}

/// One row of a `QueryResult`, decoded column by column into Swift types.
public struct PostgresRow: Sendable {
    let storage: QueryResult.Storage
    let index: Int

    /// The value of column `column` as `T`.
    /// - Throws: `DatabaseError` `.decoding` when the column is absent, `NULL` for a non-optional `T`, of
    ///   an incompatible type or malformed. The error names the column, never its value.
    public func decode<T: SQLDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        guard column >= 0, column < storage.columnCount else {
            throw DatabaseError(code: .decoding, context: "no column at index \(column)")
        }
        let columnType = storage.type(of: column)
        do {
            return try T(sqlText: storage.text(row: index, column: column), type: columnType)
        } catch let error as SQLDecodingFailure {
            throw DatabaseError(
                code: .decoding, column: storage.name(of: column),
                context: "cannot decode \(columnType) as \(T.self): \(error.reason)")
        }
    }

    /// The value of the column named `name` as `T`.
    public func decode<T: SQLDecodable>(_ type: T.Type = T.self, named name: String) throws -> T {
        guard let column = storage.column(named: name) else {
            throw DatabaseError(code: .decoding, column: name, context: "no such column")
        }
        return try decode(type, at: column)
    }

    /// Whether column `column` is SQL `NULL`.
    public func isNull(at column: Int) -> Bool {
        precondition(column >= 0 && column < storage.columnCount, "column index out of range")
        return storage.isNull(row: index, column: column)
    }
}
