import ArgumentParser
import Foundation
import Logging
import Storage

/// Where the portal keeps its records and images, shared by `serve`, `migrate` and `blobs`.
///
/// Resolution order for each value: command line, then environment, then default.
struct StorageOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "libpq URI of an external PostgreSQL, TLS options included (env PORTAL_DATABASE_URL).",
            discussion: "Without it, the portal runs its own PostgreSQL cluster in <data-dir>/postgres."))
    var databaseURL: String?

    @Option(
        name: .customLong("data-dir"),
        help: "Folder for the private cluster and the blob store (env PORTAL_DATA_DIR, default ./portal-data).")
    var dataDirectory: String?

    @Option(
        name: .customLong("migrations-dir"),
        help: "Folder of NNNN_name.sql migrations (env PORTAL_MIGRATIONS_DIR, default: the package's Migrations/).")
    var migrationsDirectory: String?

    /// The values after command line, environment and defaults are applied.
    struct Resolved: Sendable {
        /// The external server, or `nil` for the private cluster.
        var databaseURL: String?
        /// The data folder.
        var dataDirectory: URL
        /// The migrations folder.
        var migrationsDirectory: URL

        /// The blob store's folder, `<data-dir>/blobs`.
        var blobDirectory: URL { dataDirectory.appendingPathComponent("blobs") }

        /// The configuration `DatabaseHost.open` takes.
        var hostConfiguration: DatabaseHost.Configuration {
            DatabaseHost.Configuration(
                databaseURL: databaseURL, dataDirectory: dataDirectory, migrationsDirectory: migrationsDirectory)
        }
    }

    func validate() throws {
        if let databaseURL, databaseURL.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--database-url must not be empty")
        }
        if let dataDirectory, dataDirectory.isEmpty {
            throw ValidationError("--data-dir must not be empty")
        }
    }

    /// Applies the environment and defaults.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> Resolved {
        let url = databaseURL ?? environment["PORTAL_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let data = dataDirectory ?? environment["PORTAL_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "portal-data"
        let migrations = MigrationsLocator(environment: environment).locate(explicit: migrationsDirectory)
        return Resolved(
            databaseURL: url, dataDirectory: URL(fileURLWithPath: data).standardizedFileURL,
            migrationsDirectory: migrations)
    }

    /// Opens the blob store in `<data-dir>/blobs` and removes temporaries that crashed writers left
    /// (the start-up sweep; writers of other live processes are spared).
    func openBlobStore(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FileBlobStore {
        let store = try FileBlobStore(root: resolve(environment: environment).blobDirectory)
        try store.sweepOrphanTemporaries()
        return store
    }

    /// Opens "the database": locks the data folder and starts the private cluster, or connects to the
    /// URL; then migrates.
    ///
    /// The caller runs `run(reporting:)` on the result alongside its server (cancel it to stop) or calls
    /// `shutdown()`.
    /// - Parameters:
    ///   - migrates: `false` opens without applying migrations (readiness then says what is pending).
    ///   - supervision: How the private cluster is restarted after a crash.
    /// - Throws: `PortalExitStatus.dataDirectoryInUse` after saying who holds the data folder.
    func openDatabase(
        logger: Logger, migrates: Bool = true, supervision: ClusterSupervisor.Configuration = .init(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> DatabaseHost {
        var configuration = resolve(environment: environment).hostConfiguration
        configuration.migratesOnOpen = migrates
        configuration.supervision = supervision
        do {
            return try await DatabaseHost.open(configuration: configuration, logger: logger)
        } catch let error as DataDirectoryLockError {
            throw Self.refusal(error, dataDirectory: configuration.dataDirectory)
        }
    }

    /// Takes the data folder's lock for a command that works on it without the database (`blobs
    /// verify`), so that it never runs beside a portal serving from the folder.
    /// - Throws: `PortalExitStatus.dataDirectoryInUse` after saying who holds it.
    func lockDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> DataDirectoryLock
    {
        let folder = resolve(environment: environment).dataDirectory
        do {
            return try DataDirectoryLock.acquire(in: folder)
        } catch {
            throw Self.refusal(error, dataDirectory: folder)
        }
    }

    /// The attempts to restart a crashed private cluster: `--database-restart-attempts`, else
    /// `PORTAL_DATABASE_RESTART_ATTEMPTS`, else 5.
    /// - Throws: `ValidationError` when the value is not a whole number from 0 to 100.
    static func supervision(restartAttempts flag: Int?, environment: [String: String]) throws
        -> ClusterSupervisor.Configuration
    {
        var supervision = ClusterSupervisor.Configuration()
        let range = 0...100
        if let flag {
            guard range.contains(flag) else { throw ValidationError("--database-restart-attempts must be 0 to 100") }
            supervision.restartAttempts = flag
        } else if let text = environment["PORTAL_DATABASE_RESTART_ATTEMPTS"], !text.isEmpty {
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("PORTAL_DATABASE_RESTART_ATTEMPTS must be a whole number from 0 to 100")
            }
            supervision.restartAttempts = value
        }
        return supervision
    }

    /// Says why the data folder cannot be had, on standard error, and returns the exit status.
    static func refusal(_ error: DataDirectoryLockError, dataDirectory: URL) -> ExitCode {
        guard error.code == .inUse else {
            let reason = error.context ?? "unknown reason"
            FileHandleOutput.standardError(
                "error: cannot lock the data folder \(dataDirectory.path): \(reason) (\(error.file))")
            return ExitCode(1)
        }
        let holder = error.holder.map { "process \($0)" } ?? "another process"
        FileHandleOutput.standardError(
            "error: the data folder \(dataDirectory.path) is in use by \(holder), which holds \(error.file); "
                + "its private PostgreSQL serves one portal only. Stop that process first, or, to run several "
                + "portals on one database, give each the same --database-url (PORTAL_DATABASE_URL).")
        return PortalExitStatus.dataDirectoryInUse
    }

    /// Prints a storage error as one line on standard error and returns exit status 1.
    static func failure(_ error: DatabaseError) -> ExitCode {
        let outcome = StorageProblems.outcome(of: error)
        var line = "error: \(outcome.detail)"
        if let context = error.context { line += " (\(context))" }
        if let sqlState = error.sqlState { line += " [SQLSTATE \(sqlState)]" }
        FileHandleOutput.standardError(line)
        return ExitCode(1)
    }
}
