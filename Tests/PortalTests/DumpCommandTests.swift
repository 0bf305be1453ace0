import Foundation
import Testing

/// `portal dicom dump` as a centre runs it: the built binary on a file we make, and on a file that is not
/// DICOM.
@Suite struct DumpCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static func dump(_ path: String) throws -> Run {
        let process = Process()
        process.executableURL = PortalProcess.executable
        process.arguments = ["dicom", "dump", path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: output, errors: errors)
    }

    @Test func listsTheElementsOfAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).dcm")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(DeidentifyCommandTests.instance(patientID: "MRN-7", name: "Doe^Jane", uid: "1.2.3.4.5"))
            .write(to: file)
        let run = try Self.dump(file.path)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("(0002,0010) UI [1.2.840.10008.1.2.1]"))
        #expect(run.output.contains("(0008,0018) UI [1.2.3.4.5]"))
        #expect(run.output.contains("(0010,0010) PN [Doe^Jane]"))
        #expect(run.output.contains("PatientID"))
    }

    @Test func refusesWhatIsNotDICOMSayingWhereAndWhy() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("just some text, nothing DICOM about it\n".utf8).write(to: file)
        let run = try Self.dump(file.path)
        #expect(run.status != 0)
        #expect(run.errors.contains("at byte 0"))
        #expect(run.output.isEmpty)
    }
}
