import ArgumentParser

/// `portal migrate` (being built).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate")
    func run() async throws {}
}
