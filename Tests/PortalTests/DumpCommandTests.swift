import Foundation
import TestSupport
import Testing

/// `portal dicom dump` as a centre runs it: the built binary on a file we make, and on a file that is not
/// DICOM.
@Suite struct DumpCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static func dump(_ path: String) async throws -> Run {
        let run = try await ToolRun.run(PortalProcess.executable.path, ["dicom", "dump", path])
        return Run(status: run.status, output: run.output, errors: run.errors)
    }

    @Test func listsTheElementsOfAFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).dcm")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(DeidentifyCommandTests.instance(patientID: "MRN-7", name: "Doe^Jane", uid: "1.2.3.4.5"))
            .write(to: file)
        let run = try await Self.dump(file.path)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("(0002,0010) UI [1.2.840.10008.1.2.1]"))
        #expect(run.output.contains("(0008,0018) UI [1.2.3.4.5]"))
        #expect(run.output.contains("(0010,0010) PN [Doe^Jane]"))
        #expect(run.output.contains("PatientID"))
    }

    @Test func refusesWhatIsNotDICOMSayingWhereAndWhy() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("just some text, nothing DICOM about it\n".utf8).write(to: file)
        let run = try await Self.dump(file.path)
        #expect(run.status != 0)
        #expect(run.errors.contains("at byte 0"))
        #expect(run.output.isEmpty)
    }
}
