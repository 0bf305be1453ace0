import Foundation
import Testing

@testable import DICOM

/// De-identified real files checked by independent tools: dicom3tools' `dciodvfy` must report no error
/// the input did not already have, and dcmtk's `dcmdump` must read the output without warnings.
/// Runs when the tools and pydicom's test files are installed (scripts/bootstrap --test).
@Suite(.enabled(if: ExternalTools.isAvailable)) struct DeidentificationToolsTests {
    @Test(arguments: [
        "CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "SC_rgb_small_odd.dcm", "JPEG2000.dcm", "MR_small_implicit.dcm",
        "MR_small_bigendian.dcm",
    ])
    func validatorsFindNoNewErrors(name: String) throws {
        let source = try #require(ExternalTools.pydicomTestFiles).appendingPathComponent(name)
        let input = try [UInt8](Data(contentsOf: source))
        let key = try PseudonymisationKey(bytes: Array(repeating: 0x61, count: 32))
        let output = try DeidentificationPipeline.deidentify(
            input, deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: key)), centre: "C01")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deid-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent(name)
        try Data(output).write(to: target)

        let before = try ExternalTools.errors(of: ExternalTools.run("dciodvfy", [source.path]))
        let after = try ExternalTools.errors(of: ExternalTools.run("dciodvfy", [target.path]))
        #expect(after.subtracting(before).isEmpty, "new dciodvfy errors: \(after.subtracting(before))")

        let dump = try ExternalTools.run("dcmdump", [target.path])
        #expect(dump.status == 0)
        let complaints = dump.output.split(separator: "\n").filter { $0.hasPrefix("W:") || $0.hasPrefix("E:") }
        #expect(complaints.isEmpty, "dcmdump: \(complaints)")
        #expect(dump.output.contains("(0012,0062) CS [YES]"))
    }
}

/// Finds and runs the external tools the checks above need.
enum ExternalTools {
    static func path(of tool: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// pydicom's bundled test files, asked of python3 itself.
    static let pydicomTestFiles: URL? = {
        guard let result = try? run("python3", ["-c", "import pydicom, os; print(os.path.dirname(pydicom.__file__))"]),
            result.status == 0
        else { return nil }
        let folder = URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            .appendingPathComponent("data/test_files")
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("CT_small.dcm").path) ? folder : nil
    }()

    static var isAvailable: Bool {
        path(of: "dciodvfy") != nil && path(of: "dcmdump") != nil && pydicomTestFiles != nil
    }

    /// Runs a tool to completion; standard output and error together.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(of: tool) ?? "/usr/bin/\(tool)")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// dciodvfy's error lines.
    static func errors(of result: (status: Int32, output: String)) -> Set<String> {
        Set(result.output.split(separator: "\n").filter { $0.hasPrefix("Error") }.map(String.init))
    }
}
