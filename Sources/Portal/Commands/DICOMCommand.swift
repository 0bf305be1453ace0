import ArgumentParser

/// `portal dicom` (being built).
struct DICOMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dicom")
    func run() async throws {}
}
