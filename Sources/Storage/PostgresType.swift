/// A PostgreSQL data type, named by its OID in `pg_type` (see `src/include/catalog/pg_type.dat`).
///
/// An open set, so a `RawRepresentable` struct with constants for the types the portal binds and decodes.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public let rawValue: UInt32

    /// Creates a type from its OID.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets the server infer the type from the context (OID 0).
    public static let unspecified = PostgresType(rawValue: 0)
    /// `boolean`.
    public static let bool = PostgresType(rawValue: 16)
    /// `bytea`.
    public static let bytea = PostgresType(rawValue: 17)
    /// `"char"` (one byte, used in catalogs).
    public static let char = PostgresType(rawValue: 18)
    /// `name` (catalog identifiers).
    public static let name = PostgresType(rawValue: 19)
    /// `bigint`.
    public static let int8 = PostgresType(rawValue: 20)
    /// `smallint`.
    public static let int2 = PostgresType(rawValue: 21)
    /// `integer`.
    public static let int4 = PostgresType(rawValue: 23)
    /// `text`.
    public static let text = PostgresType(rawValue: 25)
    /// `oid`.
    public static let oid = PostgresType(rawValue: 26)
    /// `json`.
    public static let json = PostgresType(rawValue: 114)
    /// `double precision`.
    public static let float8 = PostgresType(rawValue: 701)
    /// `character varying`.
    public static let varchar = PostgresType(rawValue: 1043)
    /// `character(n)`.
    public static let bpchar = PostgresType(rawValue: 1042)
    /// `timestamp without time zone`.
    public static let timestamp = PostgresType(rawValue: 1114)
    /// `timestamp with time zone`.
    public static let timestamptz = PostgresType(rawValue: 1184)
    /// `numeric`.
    public static let numeric = PostgresType(rawValue: 1700)
    /// `uuid`.
    public static let uuid = PostgresType(rawValue: 2950)
    /// `jsonb`.
    public static let jsonb = PostgresType(rawValue: 3802)
    /// `text[]`.
    public static let textArray = PostgresType(rawValue: 1009)
    /// `varchar[]`.
    public static let varcharArray = PostgresType(rawValue: 1015)
    /// `smallint[]`.
    public static let int2Array = PostgresType(rawValue: 1005)
    /// `integer[]`.
    public static let int4Array = PostgresType(rawValue: 1007)
    /// `bigint[]`.
    public static let int8Array = PostgresType(rawValue: 1016)

    public var description: String { "oid \(rawValue)" }

    /// Whether values of this type are whole numbers in text form.
    var isInteger: Bool { self == .int2 || self == .int4 || self == .int8 || self == .oid }
}
