import Foundation
import Storage
import TestSupport
import Testing

/// Typed decoding round trips through a real server, one per supported type.
@Suite(.timeLimit(.minutes(3)))
struct ValueCodingTests {
    @Test func integersTextAndBooleansRoundTrip() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let row = try #require(
            try await test.database.query(
                "SELECT \(Int.max), \(Int32.min), \(Int64(-42)), \("zürich ✓ 'quoted'"), \(true), \(false), \(2.5)"
            ).first)
        #expect(try row.decode(Int.self, at: 0) == Int.max)
        #expect(try row.decode(Int32.self, at: 1) == Int32.min)
        #expect(try row.decode(Int64.self, at: 2) == -42)
        #expect(try row.decode(String.self, at: 3) == "zürich ✓ 'quoted'")
        #expect(try row.decode(Bool.self, at: 4) == true)
        #expect(try row.decode(Bool.self, at: 5) == false)
        #expect(try row.decode(Double.self, at: 6) == 2.5)
    }

    @Test func timestamptzRoundTripsToTheMicrosecond() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let dates = [
            Date(timeIntervalSince1970: 1_764_460_800.123456), Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -86_400 * 365 * 30 + 0.5), Date(timeIntervalSince1970: 4_102_444_800),
        ]
        for date in dates {
            let row = try #require(try await test.database.query("SELECT \(date), \(date)::text").first)
            let decoded = try row.decode(Date.self, at: 0)
            #expect(abs(decoded.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
            #expect(try row.decode(String.self, at: 1).hasSuffix("+00"))
        }
        // The server's own clock decodes too.
        let now = try #require(try await test.database.query("SELECT now()").first).decode(Date.self, at: 0)
        #expect(abs(now.timeIntervalSinceNow) < 300)
    }

    @Test func uuidByteaAndJSONBRoundTrip() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let id = UUID()
        let bytes = Data((0...255).map { UInt8($0) } + [0, 0, 92, 120])
        let json = JSONB(text: #"{"a": [1, 2, "x\"y"], "b": null}"#)
        let row = try #require(try await test.database.query("SELECT \(id), \(bytes), \(json), \(json)->'a'->>2").first)
        #expect(try row.decode(UUID.self, at: 0) == id)
        #expect(try row.decode(Data.self, at: 1) == bytes)
        let decoded = try row.decode(JSONB.self, at: 2)
        let object = try JSONSerialization.jsonObject(with: decoded.data) as? [String: Any]
        #expect((object?["a"] as? [Any])?.count == 3)
        #expect(try row.decode(String.self, at: 3) == "x\"y")
    }

    @Test func arraysOfTextAndIntegersRoundTrip() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let texts = ["plain", "with space", "comma,inside", "quote\"inside", "back\\slash", "{braces}", "NULL", ""]
        let numbers = [0, -1, Int.max, 42]
        let row = try #require(
            try await test.database.query("SELECT \(texts), \(numbers), \([String]()), ARRAY[1,2]::int4[]").first)
        #expect(try row.decode([String].self, at: 0) == texts)
        #expect(try row.decode([Int].self, at: 1) == numbers)
        #expect(try row.decode([String].self, at: 2) == [])
        #expect(try row.decode([Int].self, at: 3) == [1, 2])
    }

    @Test func nullsDecodeAsOptionalsAndFailAsNonOptionals() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let missing: String? = nil
        let row = try #require(try await test.database.query("SELECT \(missing), NULL::int8, NULL::uuid").first)
        #expect(try row.decode(String?.self, at: 0) == nil)
        #expect(try row.decode(Int?.self, at: 1) == nil)
        #expect(try row.decode(UUID?.self, at: 2) == nil)
        let error = try #require(throws: DatabaseError.self) { try row.decode(Int.self, at: 1) }
        #expect(error.code == .decoding)
    }

    @Test func wrongSwiftTypeIsADecodingErrorNamingTheColumnNotTheValue() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let row = try #require(try await test.database.query("SELECT \("secret-value") AS label").first)
        let error = try #require(throws: DatabaseError.self) { try row.decode(Int.self, named: "label") }
        #expect(error.code == .decoding)
        #expect(error.column == "label")
        #expect(!String(describing: error).contains("secret-value"))
        // By name: exact, case included (no identifier folding), and an absent name is a decoding error.
        #expect(try row.decode(String.self, named: "label") == "secret-value")
        let absent = try #require(throws: DatabaseError.self) { try row.decode(String.self, named: "LABEL") }
        #expect(absent.code == .decoding)
    }
}
