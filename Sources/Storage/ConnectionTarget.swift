import Foundation

/// Where to connect: a libpq connection URI or keyword string (libpq §34.1.1), TLS options included.
///
/// May carry a password, so `description` never shows it.
public struct ConnectionTarget: Sendable, CustomStringConvertible {
    /// The libpq connection string.
    public let connectionString: String

    /// A target from a URI such as `postgresql://user@db.example/portal?sslmode=verify-full`.
    public init(connectionString: String) { self.connectionString = connectionString }

    /// A target on a Unix socket folder, as the private cluster listens.
    public static func unixSocket(directory: String, port: Int = 5432, user: String, database: String)
        -> ConnectionTarget
    {
        func quote(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return ConnectionTarget(
            connectionString: "host=\(quote(directory)) port=\(port) user=\(quote(user)) dbname=\(quote(database))")
    }

    public var description: String { "ConnectionTarget(<redacted>)" }
}
