import Foundation
import Glibc
import HTTPServer
import Storage
import TestSupport
import Testing

@testable import Portal

/// What a person starting the portal reads when it cannot start: the problem, the setting (flag and
/// variable) and the fix, said before anything was started, never a Swift value dump or a password.
@Suite struct StartupProblemTests {
    static let config = PortalConfiguration(host: "127.0.0.1", port: 8080, tlsCertificate: "/etc/portal/cert.pem", tlsKey: "/etc/portal/key.pem")

    @Test func aPortInUseIsNamedWithItsSettings() throws {
        let problem = try #require(StartupProblem.explaining(
            ListenError(operation: "bind", code: EADDRINUSE, address: "127.0.0.1"), configuration: Self.config, databaseURL: nil))
        #expect(problem.description == "port 8080 is already in use on 127.0.0.1; stop the program that uses it, or choose another port with --port or PORTAL_PORT")
    }

    @Test func aTLSErrorNamesItsFile() throws {
        let problem = try #require(StartupProblem.explaining(
            TLSError(operation: "private key", reason: "error:1E08010C:DECODER routines::unsupported"),
            configuration: Self.config, databaseURL: nil))
        #expect(problem.description.contains("/etc/portal/key.pem"))
        #expect(problem.description.contains("--tls-key or PORTAL_TLS_KEY"))
    }

    @Test func aDatabaseErrorIsSaidWithoutItsPasswordOrASwiftDump() throws {
        let error = DatabaseError(
            code: .connectionFailed,
            context: #"could not connect: connection to server at "db.example", port 5432 failed: Connection refused"#)
        let problem = try #require(StartupProblem.explaining(
            error, configuration: Self.config, databaseURL: "postgresql://portal:s3cret@db.example/portal?sslmode=verify-full"))
        #expect(problem.problem == "cannot connect to the database at postgresql://portal@db.example/portal?sslmode=verify-full (Connection refused)")
        #expect(!problem.description.contains("s3cret"))
        #expect(!problem.description.contains("DatabaseError("))
        #expect(problem.fix.contains("--database-url or PORTAL_DATABASE_URL"))
    }

    /// The real binary: each problem is said at once and before the data folder (and its PostgreSQL) was
    /// touched.
    @Test(.timeLimit(.minutes(2)))
    func theBinarySaysEachProblemBeforeStartingAnything() async throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-startup-")
        defer { folder.remove() }
        let data = folder.appending("data")

        // A port another program holds.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(holder, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        let busy = try await ToolRun.run(PortalProcess.executable.path, ["serve", "--port", "\(port)", "--data-dir", data.path])
        #expect(busy.status == 1)
        #expect(busy.errors.contains("port \(port) is already in use on 127.0.0.1; stop the program that uses it, or choose another port with --port or PORTAL_PORT"))
        #expect(!FileManager.default.fileExists(atPath: data.path), "the data folder was touched before the port was checked")

        let noCertificate = try await ToolRun.run(
            PortalProcess.executable.path,
            ["serve", "--port", "0", "--data-dir", data.path, "--tls-cert", folder.appending("missing.pem").path, "--tls-key", folder.appending("missing.key").path])
        #expect(noCertificate.status == 1)
        #expect(noCertificate.errors.contains("the TLS certificate file \(folder.appending("missing.pem").path) does not exist; give the right path with --tls-cert or PORTAL_TLS_CERT"))
        #expect(!FileManager.default.fileExists(atPath: data.path))

        let unreachable = try await ToolRun.run(
            PortalProcess.executable.path,
            ["serve", "--port", "0", "--database-url", "postgresql://portal:s3cret@127.0.0.1:\(port)/portal?connect_timeout=5"])
        #expect(unreachable.status == 1)
        #expect(unreachable.errors.contains("cannot connect to the database at postgresql://portal@127.0.0.1:\(port)/portal"))
        #expect(!unreachable.errors.contains("s3cret") && !unreachable.errors.contains("DatabaseError("))
    }
}
