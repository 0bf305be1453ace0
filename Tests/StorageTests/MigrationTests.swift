import Foundation
import Storage
import TestSupport
import Testing

/// Migrations from real files on a real server.
@Suite(.timeLimit(.minutes(3)))
struct MigrationTests {
    /// A migrations folder with the given files.
    private func makeFolder(_ files: [String: String]) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory.make(prefix: "portal-migrations-")
        for (name, sql) in files {
            try Data(sql.utf8).write(to: folder.appending(name))
        }
        return folder
    }

    private static let files = [
        "0001_people.sql": "CREATE TABLE people (id bigserial PRIMARY KEY, name text NOT NULL);",
        "0002_visits.sql": """
            CREATE TABLE visits (person bigint REFERENCES people, at timestamptz);
            CREATE INDEX visits_person ON visits (person);
            """,
        "README.md": "not a migration",
    ]

    @Test func appliesPendingMigrationsInOrderOnce() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let folder = try makeFolder(Self.files)
        defer { folder.remove() }
        let catalog = try MigrationCatalog.load(from: folder.url)
        #expect(catalog.migrations.map(\.fileName) == ["0001_people.sql", "0002_visits.sql"])
        #expect(await test.database.readiness(expecting: catalog).isReady == false)

        let migrator = Migrator(database: test.database, catalog: catalog, logger: PostgresTestCluster.logger)
        #expect(try await migrator.migrate() == [1, 2])
        #expect(try await migrator.migrate() == [])
        #expect(await test.database.readiness(expecting: catalog) == .ready)
        let recorded = try await test.database.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        #expect(try recorded.map { try $0.decode(Int.self, at: 0) } == [1, 2])
        #expect(try recorded.first?.decode(String.self, at: 1) == catalog.migrations[0].checksum)

        // A new file is pending until applied: not ready, then ready.
        try Data("ALTER TABLE people ADD COLUMN born date;".utf8).write(to: folder.appending("0003_born.sql"))
        let grown = try MigrationCatalog.load(from: folder.url)
        #expect(await test.database.readiness(expecting: grown).isReady == false)
        #expect(try await Migrator(database: test.database, catalog: grown).migrate() == [3])
        #expect(await test.database.readiness(expecting: grown) == .ready)
    }

    @Test func changedAppliedFileIsRefused() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let folder = try makeFolder(Self.files)
        defer { folder.remove() }
        try await Migrator(database: test.database, catalog: try MigrationCatalog.load(from: folder.url)).migrate()

        try Data("CREATE TABLE people (id bigserial PRIMARY KEY, name text);".utf8)
            .write(to: folder.appending("0001_people.sql"))
        let edited = try MigrationCatalog.load(from: folder.url)
        let error = try await #require(throws: DatabaseError.self) {
            try await Migrator(database: test.database, catalog: edited).migrate()
        }
        #expect(error.code == .migrationChanged)
        #expect(String(describing: error).contains("0001_people.sql"))
        #expect(await test.database.readiness(expecting: edited).isReady == false)
        // The refusal released the advisory lock: the original files still migrate (nothing to do).
        try Data(Self.files["0001_people.sql"]!.utf8).write(to: folder.appending("0001_people.sql"))
        #expect(try await Migrator(database: test.database, catalog: try MigrationCatalog.load(from: folder.url)).migrate() == [])
    }

    @Test func failingMigrationRollsBackAndIsNotRecorded() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let folder = try makeFolder([
            "0001_ok.sql": "CREATE TABLE ok (v int);",
            "0002_broken.sql": "CREATE TABLE half (v int); SELECT * FROM no_such_table;",
        ])
        defer { folder.remove() }
        let error = try await #require(throws: DatabaseError.self) {
            try await Migrator(database: test.database, catalog: try MigrationCatalog.load(from: folder.url)).migrate()
        }
        #expect(error.sqlState == DatabaseError.SQLState.undefinedTable)
        #expect(error.context?.contains("0002_broken.sql") == true)
        let tables = try await test.database.query(
            "SELECT to_regclass('ok') IS NOT NULL, to_regclass('half') IS NOT NULL")
        #expect(try tables.first?.decode(Bool.self, at: 0) == true)
        #expect(try tables.first?.decode(Bool.self, at: 1) == false)
        let versions = try await test.database.query("SELECT version FROM schema_migrations")
        #expect(try versions.map { try $0.decode(Int.self, at: 0) } == [1])
    }

    @Test func portalsStartingTogetherMigrateOnce() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let cluster = try await PostgresTestCluster.shared.cluster()
        // Slow enough that the instances overlap: each would fail on CREATE TABLE if both applied it.
        let folder = try makeFolder([
            "0001_slow.sql": "SELECT pg_sleep(0.5); CREATE TABLE once (v int);",
            "0002_more.sql": "CREATE TABLE twice_would_fail (v int);",
        ])
        defer { folder.remove() }
        let catalog = try MigrationCatalog.load(from: folder.url)
        // Separate pools, as separate portal processes would have.
        let instances = (0..<4).map { _ in
            Database(configuration: Database.Configuration(target: cluster.target(database: test.name)))
        }
        defer { instances.forEach { $0.close() } }
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for instance in instances {
                group.addTask { try await Migrator(database: instance, catalog: catalog).migrate() }
            }
            var all: [[Int]] = []
            for try await versions in group { all.append(versions) }
            return all
        }
        #expect(applied.filter { !$0.isEmpty } == [[1, 2]])
        let count = try await test.database.query("SELECT count(*) FROM schema_migrations")
        #expect(try count.first?.decode(Int.self, at: 0) == 2)
    }

    @Test func misnamedOrDuplicateFilesAreRejected() throws {
        let misnamed = try makeFolder(["1_people.sql": "SELECT 1;"])
        defer { misnamed.remove() }
        #expect(throws: DatabaseError.self) { try MigrationCatalog.load(from: misnamed.url) }
        let duplicate = try makeFolder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 1;"])
        defer { duplicate.remove() }
        #expect(throws: DatabaseError.self) { try MigrationCatalog.load(from: duplicate.url) }
    }

    @Test func locatorPrefersExplicitThenEnvironmentThenPackageRoot() throws {
        let elsewhere = URL(fileURLWithPath: "/nonexistent")
        let locator = MigrationsLocator(
            environment: ["PORTAL_MIGRATIONS_DIR": "/from/env"], executable: nil, currentDirectory: elsewhere)
        #expect(locator.locate(explicit: "/explicit").path == "/explicit")
        #expect(locator.locate().path == "/from/env")
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let found = MigrationsLocator(environment: [:], executable: nil, currentDirectory: elsewhere).locate()
        #expect(found.standardizedFileURL.path == packageRoot.appendingPathComponent("Migrations").standardizedFileURL.path)
        // The repository's own migrations load and apply cleanly.
        #expect(try MigrationCatalog.load(from: found).migrations.first?.fileName == "0001_blobs.sql")
    }

    @Test func repositoryMigrationsApply() async throws {
        let test = try await PostgresTestCluster.shared.makeDatabase()
        defer { test.database.close() }
        let catalog = try MigrationCatalog.load(from: MigrationsLocator(environment: [:]).locate())
        #expect(try await Migrator(database: test.database, catalog: catalog).migrate().first == 1)
        let hex = String(repeating: "ab", count: 32)
        try await test.database.execute("INSERT INTO blobs (sha256, size) VALUES (\(hex), \(10))")
        let error = try await #require(throws: DatabaseError.self) {
            try await test.database.execute("INSERT INTO blobs (sha256, size) VALUES (\("../etc/passwd"), \(1))")
        }
        #expect(error.sqlState == DatabaseError.SQLState.checkViolation)
    }
}
