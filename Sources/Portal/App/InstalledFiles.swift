import Foundation
import Storage

/// Finds the files the portal ships beside its binary: `openapi.yaml` and `Migrations/`.
///
/// In order: an environment variable (`PORTAL_OPENAPI_FILE`, `PORTAL_MIGRATIONS_DIR`), the package root
/// found by walking up from the executable (`.build/release/portal` → the clone), else the working folder.
/// An installed portal sets both variables (deploy/portal.service).
struct InstalledFiles: Sendable {
    var environment: [String: String]

    /// The API description served at `GET /openapi.yaml`.
    /// - Throws: `InstalledFileMissing` when the file cannot be read.
    func openAPIDocument() throws -> [UInt8] {
        let path: String
        if let explicit = environment["PORTAL_OPENAPI_FILE"], !explicit.isEmpty {
            path = explicit
        } else {
            // The migrations folder sits in the package root, beside openapi.yaml.
            let migrations = MigrationsLocator(environment: environment).locate()
            path = migrations.deletingLastPathComponent().appendingPathComponent("openapi.yaml").path
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InstalledFileMissing(name: "openapi.yaml", path: path)
        }
        return Array(data)
    }
}

/// A file the portal needs is not where it was looked for.
struct InstalledFileMissing: Error, CustomStringConvertible {
    var name: String
    var path: String
    var description: String { "\(name) not found at \(path); set PORTAL_OPENAPI_FILE or run from the clone" }
}
