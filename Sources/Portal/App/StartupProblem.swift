import Foundation
import HTTPServer
import Storage

/// Why the portal cannot start, said for the person starting it: what is wrong, which setting is
/// involved (its flag and `PORTAL_*` variable), and what to do. Never a Swift value dump, never a
/// password.
struct StartupProblem: Error, CustomStringConvertible, Equatable {
    /// What is wrong.
    var problem: String
    /// What to do about it.
    var fix: String

    var description: String { "\(problem); \(fix)" }

    // MARK: Checks made before anything starts

    /// The TLS files must exist and be readable before the server is made (OpenSSL's own message names
    /// neither the file nor the setting).
    static func checkTLSFiles(_ configuration: PortalConfiguration) throws(StartupProblem) {
        let files = [
            (configuration.tlsCertificate, "certificate", "--tls-cert", "PORTAL_TLS_CERT"),
            (configuration.tlsKey, "private key", "--tls-key", "PORTAL_TLS_KEY"),
        ]
        for case let (path?, what, flag, variable) in files {
            guard FileManager.default.fileExists(atPath: path) else {
                throw StartupProblem(
                    problem: "the TLS \(what) file \(path) does not exist",
                    fix: "give the right path with \(flag) or \(variable)")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw StartupProblem(
                    problem: "the TLS \(what) file \(path) cannot be read by this user",
                    fix: "let the portal's user read it, or give another file with \(flag) or \(variable)")
            }
        }
    }

    // MARK: Errors met while starting

    /// The problem a start-up error means, for the settings in force; `nil` for errors that already speak
    /// for themselves.
    static func explaining(
        _ error: any Error, configuration: PortalConfiguration, databaseURL: String?
    ) -> StartupProblem? {
        switch error {
        case let error as ListenError: listening(error, configuration)
        case let error as TLSError: tls(error, configuration)
        case let error as DatabaseError: database(error, databaseURL: databaseURL)
        default: nil
        }
    }

    static func listening(_ error: ListenError, _ configuration: PortalConfiguration) -> StartupProblem {
        let address = "\(configuration.displayHost):\(configuration.port)"
        switch (error.operation, error.code) {
        case ("bind", EADDRINUSE):
            return StartupProblem(
                problem: "port \(configuration.port) is already in use on \(configuration.host)",
                fix: "stop the program that uses it, or choose another port with --port or PORTAL_PORT")
        case ("bind", EACCES):
            return StartupProblem(
                problem: "this user may not listen on port \(configuration.port) (ports below 1024 need a privilege)",
                fix: "choose a port from 1024 with --port or PORTAL_PORT, or give the binary CAP_NET_BIND_SERVICE")
        case ("bind", EADDRNOTAVAIL):
            return StartupProblem(
                problem: "\(configuration.host) is not an address of this machine",
                fix: "give one of its addresses (or 0.0.0.0, ::) with --host or PORTAL_HOST")
        case ("resolve", _):
            return StartupProblem(
                problem: "the host \(configuration.host) cannot be resolved to an address",
                fix: "give an IP address or a name this machine resolves with --host or PORTAL_HOST")
        default:
            return StartupProblem(
                problem: "cannot listen on \(address) (\(error.operation): \(String(cString: strerror(error.code))))",
                fix: "check --host and --port (PORTAL_HOST, PORTAL_PORT)")
        }
    }

    static func tls(_ error: TLSError, _ configuration: PortalConfiguration) -> StartupProblem {
        let certificate = configuration.tlsCertificate ?? "?"
        let key = configuration.tlsKey ?? "?"
        switch error.operation {
        case "certificate":
            return StartupProblem(
                problem: "the TLS certificate \(certificate) cannot be loaded (\(error.reason))",
                fix: "give a PEM certificate chain with --tls-cert or PORTAL_TLS_CERT")
        case "private key":
            return StartupProblem(
                problem: "the TLS private key \(key) cannot be loaded (\(error.reason))",
                fix: "give the PEM private key of the certificate, unencrypted, with --tls-key or PORTAL_TLS_KEY")
        case "key check":
            return StartupProblem(
                problem: "the TLS private key \(key) does not belong to the certificate \(certificate)",
                fix: "give the key and certificate of one pair with --tls-key and --tls-cert")
        default:
            return StartupProblem(
                problem: "TLS cannot be set up (\(error.operation): \(error.reason))",
                fix: "check --tls-cert, --tls-key and --tls-profile")
        }
    }

    static func database(_ error: DatabaseError, databaseURL: String?) -> StartupProblem {
        guard let databaseURL else {
            return StartupProblem(
                problem: "the private PostgreSQL cannot be started (\(error.context ?? error.code.rawValue))",
                fix: "see the log above; the cluster lives in the data folder (--data-dir, PORTAL_DATA_DIR)")
        }
        let shown = redacted(databaseURL)
        switch error.code {
        case .connectionFailed:
            return StartupProblem(
                problem: "cannot connect to the database at \(shown) (\(reason(error.context)))",
                fix: "check that PostgreSQL runs there and --database-url or PORTAL_DATABASE_URL (host, port, user, password, sslmode)")
        case .migrationChanged, .migrationMissing, .migrationInvalid:
            return StartupProblem(
                problem: "the database at \(shown) does not match this portal's migrations (\(error.context ?? error.code.rawValue))",
                fix: "run the portal version that created it, or point --database-url at another database")
        default:
            return StartupProblem(
                problem: "the database at \(shown) refused to start the portal (\(error.code.rawValue)\(error.sqlState.map { ", SQLSTATE \($0)" } ?? ""))",
                fix: "check the database's log and --database-url or PORTAL_DATABASE_URL")
        }
    }

    /// A libpq URI without its password (`postgresql://user:secret@host/db` → `postgresql://user@host/db`).
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "the configured URL" }
        components.password = nil
        components.queryItems = components.queryItems?.map {
            $0.name.lowercased() == "password" ? URLQueryItem(name: $0.name, value: "…") : $0
        }
        return components.string ?? "the configured URL"
    }

    /// libpq's reason without its "could not connect: connection to server at …" preamble.
    static func reason(_ context: String?) -> String {
        guard let context else { return "no reason given" }
        if let range = context.range(of: "failed: ", options: .backwards) {
            return String(context[range.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return context
    }
}
