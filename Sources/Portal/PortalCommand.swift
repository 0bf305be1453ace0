import ArgumentParser

/// The `portal` command: serves the research-data portal and runs its operator tasks.
@main
struct PortalCommand: AsyncParsableCommand {
    /// The portal's version, printed by `portal --version` and sent in `GET /healthz`.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Research-data portal for de-identified chest CT studies.",
        version: version,
        subcommands: [ServeCommand.self, MigrateCommand.self, BlobsCommand.self, DICOMCommand.self],
        defaultSubcommand: nil
    )
}
