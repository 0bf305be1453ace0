import ArgumentParser
import DICOM
import Foundation
import Testing

@testable import Portal

/// `portal dicom deidentify` over a folder tree: relative paths kept, refusals reported with a non-zero
/// exit, nothing identifying written.
@Suite struct DeidentifyCommandTests {
    static func instance(patientID: String, name: String, uid: String) throws -> [UInt8] {
        let dataSet = DataSet([
            Element(tag: .sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")!,
            Element(tag: .sopInstanceUID, vr: .UI, string: uid)!,
            Element(tag: .patientName, vr: .PN, string: name)!,
            Element(tag: .patientID, vr: .LO, string: patientID)!,
        ])
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let header = FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true)
        return try DICOMFile(header: header, dataSet: dataSet).serialized()
    }

    @Test func deidentifiesAFolderTreeAndReportsRefusals() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deidentify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("series/2"), withIntermediateDirectories: true)
        try Data(Self.instance(patientID: "MRN-1", name: "Doe^Secretname", uid: "1.2.826.0.1.3680043.9.9.1"))
            .write(to: input.appendingPathComponent("series/a.dcm"))
        try Data(Self.instance(patientID: "MRN-1", name: "Doe^Secretname", uid: "1.2.826.0.1.3680043.9.9.2"))
            .write(to: input.appendingPathComponent("series/2/b.dcm"))
        try Data(Self.instance(patientID: "", name: "Roe^Other", uid: "1.2.826.0.1.3680043.9.9.3"))
            .write(to: input.appendingPathComponent("no-id.dcm"))
        let keyFile = root.appendingPathComponent("key")
        try Data(String(repeating: "ab", count: 32).utf8).write(to: keyFile)
        let out = root.appendingPathComponent("out")

        let command = try DeidentifyCommand.parse([
            "--key-file", keyFile.path, "--centre", "C01", "--out", out.path, input.path,
        ])
        await #expect(throws: ExitCode(1)) { try await command.run() }

        let first = try [UInt8](Data(contentsOf: out.appendingPathComponent("series/a.dcm")))
        let second = try [UInt8](Data(contentsOf: out.appendingPathComponent("series/2/b.dcm")))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("no-id.dcm").path))
        for bytes in [first, second] {
            #expect(!String(decoding: bytes, as: UTF8.self).contains("Secretname"))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("MRN-1"))
        }
        let a = try DICOMFile(bytes: first).dataSet
        let b = try DICOMFile(bytes: second).dataSet
        #expect(a[.patientID]?.string() == b[.patientID]?.string())
        #expect(a[.patientIdentityRemoved]?.string() == "YES")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func dryRunChecksEverythingAndWritesNothing() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deidentify-dry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(Self.instance(patientID: "MRN-2", name: "Doe^Jane", uid: "1.2.826.0.1.3680043.9.9.4"))
            .write(to: root.appendingPathComponent("good.dcm"))
        let runner = DeidentifyRun(
            deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: try PseudonymisationKey(bytes: Array(repeating: 1, count: 32)))),
            centre: "C01", outputFolder: nil, chunkSize: 4096)
        let summary = try runner.run(inputs: [root.path])
        #expect(summary.written == 1)
        #expect(summary.refusals.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["good.dcm"])
        let error = #expect(throws: (any Error).self) { try DeidentifyCommand.parse(["--centre", "C", "x.dcm"]) }
        #expect(error.map { DeidentifyCommand.message(for: $0).contains("--dry-run") } == true)
    }

    @Test func refusesAShortKeyWithoutPrintingIt() throws {
        let command = try DeidentifyCommand.parse(["--centre", "C", "--out", "/tmp/x", "f.dcm"])
        #expect(throws: ValidationError.self) {
            _ = try command.loadKey(environment: [DeidentifyCommand.keyVariable: "deadbeef"])
        }
        do {
            _ = try command.loadKey(environment: [DeidentifyCommand.keyVariable: "deadbeef"])
        } catch {
            #expect(!"\(error)".contains("deadbeef"))
        }
        let key = try command.loadKey(environment: [DeidentifyCommand.keyVariable: String(repeating: "0f", count: 32)])
        #expect(!"\(key)".contains("0f"))
    }
}
