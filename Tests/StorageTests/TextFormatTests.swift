import Foundation
import Testing

@testable import Storage

/// PostgreSQL text formats parsed and written without a server.
struct TextFormatTests {
    @Test(arguments: [
        ("2026-11-30 02:04:17.123456+00", 1_796_004_257.123456),
        ("2026-11-30 02:04:17+00", 1_796_004_257.0),
        ("2026-11-30 03:04:17.5+01", 1_796_004_257.5),
        ("2026-11-29 21:34:17-04:30", 1_796_004_257.0),
        ("1970-01-01 00:00:00.000001+00", 0.000001),
    ])
    func parsesTimestamps(text: String, seconds: Double) throws {
        let date = try #require(TimestampText.parse(Substring(text)))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: ["infinity", "-infinity", "2026-11-30", "2026-11-30 02:04:17.+00", "2026-11-30T02:04:17Z", ""])
    func rejectsOtherTimestampText(text: String) {
        #expect(TimestampText.parse(Substring(text)) == nil)
    }

    @Test func formatsTimestampsWithMicroseconds() {
        #expect(TimestampText.format(.init(timeIntervalSince1970: 1_796_004_257.123456)) == "2026-11-30 02:04:17.123456+00")
        #expect(TimestampText.format(.init(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(TimestampText.format(.init(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59.500000+00")
    }

    @Test func parsesArrayLiterals() throws {
        #expect(try ArrayLiteral.parse("{}") == [])
        #expect(try ArrayLiteral.parse("{a,NULL,\"NULL\",\"b c\",\"q\\\"\\\\\"}") == ["a", nil, "NULL", "b c", "q\"\\"])
        #expect(throws: SQLDecodingFailure.self) { try ArrayLiteral.parse("{{1,2},{3,4}}") }
        #expect(throws: SQLDecodingFailure.self) { try ArrayLiteral.parse("{\"open}") }
        #expect(throws: SQLDecodingFailure.self) { try ArrayLiteral.parse("a,b") }
    }

    @Test func migrationFileNames() {
        #expect(MigrationCatalog.parse("0001_blobs.sql")! == (1, "blobs"))
        #expect(MigrationCatalog.parse("0012_audit_log.sql")! == (12, "audit_log"))
        #expect(MigrationCatalog.parse("1_blobs.sql") == nil)
        #expect(MigrationCatalog.parse("0001-blobs.sql") == nil)
        #expect(MigrationCatalog.parse("0001_Blobs.sql") == nil)
        #expect(MigrationCatalog.parse("0001_.sql") == nil)
    }

    @Test func bindingsAndErrorsNeverPrintValues() {
        let binding = SQLBinding("patient 12345")
        #expect(!String(describing: binding).contains("12345"))
        let sql: SQL = "SELECT * FROM t WHERE name = \("patient 12345")"
        #expect(String(describing: sql) == "SELECT * FROM t WHERE name = $1")
        #expect(!String(describing: JSONB(text: #"{"name": "12345"}"#)).contains("12345"))
        #expect(!String(describing: ConnectionTarget(connectionString: "postgresql://u:pw@h/db")).contains("pw"))
    }

    @Test func identifiersOutsideTheSafeAlphabetAreInvalid() {
        #expect(Identifier.isValid("test_0123"))
        #expect(!Identifier.isValid("Test"))
        #expect(!Identifier.isValid("1abc"))
        #expect(!Identifier.isValid("a\"; DROP"))
        #expect(!Identifier.isValid(String(repeating: "a", count: 64)))
    }
}
