import Foundation
import TestSupport
import Testing

@testable import DICOM

/// De-identified real files checked by independent tools: dicom3tools' `dciodvfy` must report no error
/// the input did not already have, and dcmtk's `dcmdump` must read the output without warnings.
/// Runs when the tools and pydicom's test files are installed (scripts/bootstrap --test).
@Suite(
    .enabled(if: ToolRun.hasTool("dciodvfy") && ToolRun.hasTool("dcmdump") && Fixtures.pydicomTestFiles != nil)
) struct DeidentificationToolsTests {
    @Test(arguments: [
        "CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "SC_rgb_small_odd.dcm", "JPEG2000.dcm", "MR_small_implicit.dcm",
        "MR_small_bigendian.dcm",
    ])
    func validatorsFindNoNewErrors(name: String) async throws {
        let source = try #require(Fixtures.pydicomTestFiles?.first { $0.lastPathComponent == name })
        let input = try [UInt8](Data(contentsOf: source))
        let key = try PseudonymisationKey(bytes: Array(repeating: 0x61, count: 32))
        let output = try DeidentificationPipeline.deidentify(
            input, deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: key)), centre: "C01")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deid-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent(name)
        try Data(output).write(to: target)

        let before = Self.errors(of: try await ToolRun.run("dciodvfy", [source.path], mergingErrors: true))
        let after = Self.errors(of: try await ToolRun.run("dciodvfy", [target.path], mergingErrors: true))
        #expect(after.subtracting(before).isEmpty, "new dciodvfy errors: \(after.subtracting(before))")

        let dump = try await ToolRun.run("dcmdump", [target.path], mergingErrors: true)
        #expect(dump.status == 0)
        let complaints = dump.output.split(separator: "\n").filter { $0.hasPrefix("W:") || $0.hasPrefix("E:") }
        #expect(complaints.isEmpty, "dcmdump: \(complaints)")
        #expect(dump.output.contains("(0012,0062) CS [YES]"))
    }

    /// dciodvfy's error lines.
    static func errors(of run: ToolRun) -> Set<String> {
        Set(run.output.split(separator: "\n").filter { $0.hasPrefix("Error") }.map(String.init))
    }
}
