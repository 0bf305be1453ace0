/// Whether the portal can serve requests that need the database (`GET /readyz`).
public struct Readiness: Sendable, Hashable {
    /// `true` when the database answers and every migration is applied unchanged.
    public let isReady: Bool
    /// Why not, for the 503 problem's `detail`; free of personal data and connection details.
    public let reason: String?

    /// Ready.
    public static let ready = Readiness(isReady: true, reason: nil)

    /// Not ready, because of `reason`.
    public static func notReady(_ reason: String) -> Readiness { Readiness(isReady: false, reason: reason) }
}

extension Database {
    /// Checks that the server answers and that `catalog` is fully applied with the same checksums.
    ///
    /// Never throws: any failure is a `notReady` with a reason fit for a problem document.
    public func readiness(expecting catalog: MigrationCatalog) async -> Readiness {
        do {
            return try await withConnection { connection in
                let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
                guard try exists.first?.decode(Bool.self, at: 0) == true else {
                    return .notReady("Database migrations have not been applied.")
                }
                let recorded = try await Migrator.recordedChecksums(on: connection)
                do {
                    try Migrator.check(recorded: recorded, against: catalog)
                } catch {
                    return .notReady("An applied database migration no longer matches its file.")
                }
                let pending = catalog.migrations.filter { recorded[$0.version] == nil }.count
                return pending == 0 ? .ready : .notReady("\(pending) database migration(s) are not applied.")
            }
        } catch let error as DatabaseError {
            return .notReady(Self.reason(for: error))
        } catch {
            return .notReady("The database did not answer.")
        }
    }

    /// Why a database error makes the portal not ready, in words fit for anyone to read.
    static func reason(for error: DatabaseError) -> String {
        switch error.code {
        case .serverDown: "The database is restarting."
        case .poolTimeout: "All database connections are busy."
        case .poolClosed: "The database is shutting down."
        case .connectionFailed: "The database is not reachable."
        case .server where error.sqlState == DatabaseError.SQLState.queryCanceled: "The database took too long to answer."
        case .server where error.isUnavailable: "The database is not accepting work right now."
        default: "The database reported an unexpected error."
        }
    }
}
