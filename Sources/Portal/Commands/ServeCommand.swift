import ArgumentParser

/// `portal serve` (being built).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve")
    func run() async throws {}
}
