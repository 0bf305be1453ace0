import ArgumentParser

/// `portal blobs` (being built).
struct BlobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "blobs")
    func run() async throws {}
}
