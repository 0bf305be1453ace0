import ArgumentParser
import Logging
import Storage

/// `portal migrate`: applies pending `Migrations/NNNN_name.sql` files and exits.
///
/// With `--database-url`, safe to run while portals are serving or starting: migrations run under an
/// advisory lock, so each is applied once. Without it, it starts the data folder's private cluster, so it
/// refuses (exit status 75) while a portal serves from that folder, whose start-up migrates anyway.
/// Refuses (exit status 1) when an applied file has changed.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations, then exit.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = Logger(label: "portal.migrate")
        let host: DatabaseHost
        do {
            host = try await storage.openDatabase(logger: logger, migrates: false)
        } catch let error as DatabaseError {
            throw StorageOptions.failure(error)
        }
        do {
            let applied = try await Migrator(database: host.database, catalog: host.catalog, logger: logger).migrate()
            await host.shutdown()
            let total = host.catalog.migrations.count
            print(applied.isEmpty
                ? "Database is up to date (\(total) migration(s))."
                : "Applied \(applied.count) migration(s): \(applied.map(String.init).joined(separator: ", ")); \(total) in total.")
        } catch let error as DatabaseError {
            await host.shutdown()
            throw StorageOptions.failure(error)
        }
    }
}
