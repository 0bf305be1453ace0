import Foundation
import Storage
import TestSupport
import Testing

/// Hostile values through every parameter type stay data: the table survives and the value comes back
/// byte for byte.
@Suite(.timeLimit(.minutes(3)))
struct InjectionTests {
    static let hostileTexts = [
        "'; DROP TABLE notes; --", "\" OR 1=1 --", "$1", "\\'; SELECT pg_sleep(10); --",
        "x'); DELETE FROM notes; SELECT ('", "E'\\x27'", "); TRUNCATE notes CASCADE; --", "\u{2019} OR \u{2019}1",
    ]

    private func makeTable() async throws -> TestDatabase {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        try await test.database.withConnection { connection in
            try await connection.executeScript(
                unsafeSQL: """
                    CREATE TABLE notes (id bigserial PRIMARY KEY, body text, tags text[], doc jsonb, raw bytea,
                        ref uuid, at timestamptz, n bigint, flag boolean);
                    INSERT INTO notes (body) VALUES ('canary');
                    """)
        }
        return test
    }

    private func assertIntact(_ database: Database) async throws {
        let canary = try await database.query("SELECT count(*) FROM notes WHERE body = 'canary'")
        #expect(try canary.first?.decode(Int.self, at: 0) == 1)
    }

    @Test(arguments: hostileTexts)
    func hostileTextIsStoredVerbatim(text: String) async throws {
        let test = try await makeTable()
        defer { test.database.close() }
        let id = try #require(
            try await test.database.query("INSERT INTO notes (body) VALUES (\(text)) RETURNING id").first
        ).decode(Int.self, at: 0)
        let back = try await test.database.query("SELECT body FROM notes WHERE id = \(id) AND body = \(text)")
        #expect(try back.first?.decode(String.self, at: 0) == text)
        try await assertIntact(test.database)
    }

    @Test func hostileValuesOfEveryOtherTypeAreInert() async throws {
        let test = try await makeTable()
        defer { test.database.close() }
        let tags = Self.hostileTexts + ["}", "{", "\",\"", "NULL"]
        let doc = JSONB(text: #"{"k": "'; DROP TABLE notes; --", "\"": "$1"}"#)
        let raw = Data("'; DROP TABLE notes; --\\x00".utf8 + [0, 39, 34, 92])
        let id = try #require(
            try await test.database.query(
                """
                INSERT INTO notes (tags, doc, raw, ref, at, n, flag)
                VALUES (\(tags), \(doc), \(raw), \(UUID()), \(Date()), \(Int.min), \(true)) RETURNING id
                """
            ).first
        ).decode(Int.self, at: 0)
        let row = try #require(try await test.database.query("SELECT tags, doc->>'k', raw FROM notes WHERE id = \(id)").first)
        #expect(try row.decode([String].self, at: 0) == tags)
        #expect(try row.decode(String.self, at: 1) == "'; DROP TABLE notes; --")
        #expect(try row.decode(Data.self, at: 2) == raw)
        try await assertIntact(test.database)
    }

    @Test func malformedTypedParametersAreRejectedByTheServerNotExecuted() async throws {
        let test = try await makeTable()
        defer { test.database.close() }
        // A text that is not JSON sent as jsonb: the server refuses the value, nothing runs.
        let error = try await #require(throws: DatabaseError.self) {
            try await test.database.execute(
                "INSERT INTO notes (doc) VALUES (\(JSONB(text: "1); DROP TABLE notes; --")))")
        }
        #expect(error.sqlState == "22P02")
        #expect(!String(describing: error).contains("DROP"))
        try await assertIntact(test.database)
    }

    @Test func textWithNULIsRefusedRatherThanTruncated() async throws {
        let test = try await makeTable()
        defer { test.database.close() }
        let error = try await #require(throws: DatabaseError.self) {
            try await test.database.execute("INSERT INTO notes (body) VALUES (\("ok\u{0}'; DROP TABLE notes; --"))")
        }
        #expect(error.code == .invalidParameter)
        try await assertIntact(test.database)
    }

    @Test func copyCarriesHostileValuesVerbatim() async throws {
        let test = try await makeTable()
        defer { test.database.close() }
        let rows = (Self.hostileTexts + ["tab\there", "line\nbreak", "\\N", "back\\slash"]).map { text in
            [SQLBinding(text), SQLBinding(Data(text.utf8)), SQLBinding([text, "x"])]
        }
        let copied = try await test.database.withConnection { connection in
            try await connection.copy(into: "notes", columns: ["body", "raw", "tags"], rows: rows)
        }
        #expect(copied == rows.count)
        for text in Self.hostileTexts + ["tab\there", "line\nbreak", "\\N", "back\\slash"] {
            let row = try #require(
                try await test.database.query("SELECT raw, tags FROM notes WHERE body = \(text)").first)
            #expect(try row.decode(Data.self, at: 0) == Data(text.utf8))
            #expect(try row.decode([String].self, at: 1) == [text, "x"])
        }
        try await assertIntact(test.database)
    }
}
