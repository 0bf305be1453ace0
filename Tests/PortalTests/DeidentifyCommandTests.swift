import ArgumentParser
import DICOM
import Foundation
import Storage
import Testing

@testable import Portal

/// `portal dicom deidentify` over a folder tree: relative paths kept, refusals reported with a non-zero
/// exit, nothing identifying written.
@Suite struct DeidentifyCommandTests {
    /// A Part 10 instance; with `pixelBytes`, a 16-bit image carrying that many bytes of pixel data.
    static func instance(patientID: String, name: String, uid: String, pixelBytes: Int = 0) throws -> [UInt8] {
        var dataSet = DataSet([
            Element(tag: .sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")!,
            Element(tag: .sopInstanceUID, vr: .UI, string: uid)!,
            Element(tag: .patientName, vr: .PN, string: name)!,
            Element(tag: .patientID, vr: .LO, string: patientID)!,
        ])
        if pixelBytes > 0 {
            dataSet.set(Element(tag: .samplesPerPixel, uint16s: [1]))
            dataSet.set(Element(tag: .rows, uint16s: [UInt16(pixelBytes / 1024)]))
            dataSet.set(Element(tag: .columns, uint16s: [512]))
            dataSet.set(Element(tag: .bitsAllocated, uint16s: [16]))
            let pixels = (0..<pixelBytes).map { UInt8(truncatingIfNeeded: $0) }
            dataSet.set(Element(tag: .pixelData, vr: .OW, bytes: pixels))
        }
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let header = FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true)
        return try DICOMFile(header: header, dataSet: dataSet).serialized()
    }

    /// Every file and folder under `folder`, relative, sorted (hidden ones included).
    static func tree(_ folder: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    }

    static let key = try! PseudonymisationKey(bytes: Array(repeating: 1, count: 32))

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
        // Exactly the two outputs and their folders: no temporary, no staging folder left.
        #expect(try Self.tree(out) == ["series", "series/2", "series/2/b.dcm", "series/a.dcm"])
    }

    /// Several inputs keep their paths below the folder they share, so equal names in two folders (the
    /// usual `IM0001` of every series) never overwrite each other: one patient's files all come out, and
    /// the same file given twice is refused rather than written over itself.
    @Test func equalNamesFromSeveralInputsNeverShareAnOutput() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deidentify-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        for (index, series) in ["s1", "s2", "s3/a", "s4/a"].enumerated() {
            let folder = input.appendingPathComponent(series)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(Self.instance(patientID: "MRN-5", name: "Doe^Five", uid: "1.2.826.0.1.3680043.9.9.\(20 + index)"))
                .write(to: folder.appendingPathComponent("IM0001"))
        }
        let out = root.appendingPathComponent("out")
        let runner = DeidentifyRun(
            deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key)), centre: "C01",
            outputFolder: out.path, chunkSize: 16 * 1024)
        let paths = [
            "s1/IM0001", "s2/IM0001", "s3", "s4", "s1/IM0001",
        ].map { input.appendingPathComponent($0).path }

        let summary = try runner.run(inputs: paths)
        #expect(summary.written == 4)
        #expect(summary.refusals.map(\.path) == ["s1/IM0001"])
        #expect(try Self.tree(out) == ["s1", "s1/IM0001", "s2", "s2/IM0001", "s3", "s3/a", "s3/a/IM0001", "s4", "s4/a", "s4/a/IM0001"])
        let uids = try ["s1/IM0001", "s2/IM0001", "s3/a/IM0001", "s4/a/IM0001"].map {
            try DICOMFile(bytes: [UInt8](Data(contentsOf: out.appendingPathComponent($0)))).dataSet[.sopInstanceUID]?.string()
        }
        #expect(Set(uids).count == 4)
    }

    /// The run lets the kernel copy pixel data that passes unchanged (and skip removed bulk values)
    /// instead of reading it; the output is byte for byte what the pipeline writes when fed the whole file,
    /// for every transfer syntax of pydicom's test files (implicit, big endian and deflated ones are fed).
    @Test(.enabled(if: AuditRun.pydicomTestFiles != nil))
    func pixelDataCopiedByTheKernelGivesTheSameBytesAsFeedingIt() throws {
        let source = URL(fileURLWithPath: try #require(AuditRun.pydicomTestFiles))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deidentify-bypass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key))
        let runner = DeidentifyRun(deidentifier: deidentifier, centre: "C01", outputFolder: out.path, chunkSize: 64 * 1024)

        let summary = try runner.run(inputs: [source.path])
        #expect(summary.written > 100)
        #expect(summary.bytesBypassed > 1_000_000)
        var compared = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted() {
            let written = out.appendingPathComponent(file)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: written.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let input = try [UInt8](Data(contentsOf: source.appendingPathComponent(file)))
            let fed = try DeidentificationPipeline.deidentify(input, deidentifier: deidentifier, centre: "C01")
            #expect(try [UInt8](Data(contentsOf: written)) == fed, "\(file) differs from the fed pipeline's output")
            compared += 1
        }
        #expect(compared == summary.written)
    }

    /// A file refused after part of its output was written (truncated in its pixel data) leaves nothing
    /// under its name and no temporary; the file beside it is written whole.
    @Test func fileRefusedMidStreamLeavesNoPartialFileUnderItsName() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("deidentify-cut-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let whole = try Self.instance(
            patientID: "MRN-3", name: "Doe^Cut", uid: "1.2.826.0.1.3680043.9.9.5", pixelBytes: 256 * 1024)
        try Data(whole).write(to: input.appendingPathComponent("good.dcm"))
        try Data(whole[..<(200 * 1024)]).write(to: input.appendingPathComponent("cut.dcm"))
        let runner = DeidentifyRun(
            deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key)), centre: "C01",
            outputFolder: out.path, chunkSize: 16 * 1024)

        let summary = try runner.run(inputs: [input.path])
        #expect(summary.written == 1)
        #expect(summary.refusals.map(\.path) == ["cut.dcm"])
        #expect(try Self.tree(out) == ["good.dcm"])
        let output = try DICOMFile(bytes: [UInt8](Data(contentsOf: out.appendingPathComponent("good.dcm"))))
        #expect(output.dataSet[.pixelData]?.bytes == (0..<(256 * 1024)).map { UInt8(truncatingIfNeeded: $0) })
    }

    /// A run killed while a file is half written (its input is a FIFO fed half an instance) shows no file at
    /// all under a final name, the finished one included (its batch never committed); the next run into
    /// the same folder sweeps the dead run's staging folder and writes everything.
    @Test(.timeLimit(.minutes(2)))
    func killedRunLeavesNoPartialFileAndTheNextRunSweepsIt() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("deidentify-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let whole = try Self.instance(
            patientID: "MRN-4", name: "Doe^Killed", uid: "1.2.826.0.1.3680043.9.9.6", pixelBytes: 512 * 1024)
        let finished = input.appendingPathComponent("a.dcm")
        try Data(whole).write(to: finished)
        let fifo = input.appendingPathComponent("b.dcm")
        #expect(mkfifo(fifo.path, 0o600) == 0)

        let child = Process()
        child.executableURL = PortalProcess.executable
        child.arguments = ["dicom", "deidentify", "--centre", "C01", "--out", out.path, finished.path, fifo.path]
        child.environment = [DeidentifyCommand.keyVariable: String(repeating: "01", count: 32)]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        // Feed the FIFO half the instance once the child opens it, then wait for part of its output.
        let deadline = ContinuousClock.now + .seconds(90)
        var writer: Int32 = -1
        while writer < 0 {
            try #require(child.isRunning, "the run ended before reading the FIFO")
            try #require(ContinuousClock.now < deadline, "the run never opened the FIFO")
            writer = open(fifo.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)  // ENXIO until the reader opens it
            if writer < 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        defer { close(writer) }
        _ = fcntl(writer, F_SETFL, 0)
        let half = Array(whole[..<(whole.count / 2)])
        #expect(half.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) } == half.count)
        func temporaryOfTheSecondFile() throws -> Int {
            let staging = try FileManager.default.contentsOfDirectory(atPath: out.path)
                .filter { $0.hasPrefix(DurableBatch.stagingPrefix) }
            guard staging.count == 1 else { return 0 }
            let attributes = try? FileManager.default.attributesOfItem(atPath: out.path + "/" + staging[0] + "/1")
            return (attributes?[.size] as? Int) ?? 0
        }
        while try temporaryOfTheSecondFile() < 64 * 1024 {
            try #require(child.isRunning, "the run ended before it was killed")
            try #require(ContinuousClock.now < deadline, "the run never wrote the second file")
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        let left = try Self.tree(out)
        #expect(left.count == 3)  // the staging folder and its two temporaries, nothing else
        #expect(left.allSatisfy { $0.hasPrefix(DurableBatch.stagingPrefix) })

        try FileManager.default.removeItem(at: fifo)
        try Data(whole).write(to: input.appendingPathComponent("b.dcm"))
        let runner = DeidentifyRun(
            deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key)), centre: "C01",
            outputFolder: out.path, chunkSize: 64 * 1024)
        let summary = try runner.run(inputs: [input.path])
        #expect(summary.written == 2)
        #expect(try Self.tree(out) == ["a.dcm", "b.dcm"])
    }

    @Test func dryRunChecksEverythingAndWritesNothing() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deidentify-dry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(Self.instance(patientID: "MRN-2", name: "Doe^Jane", uid: "1.2.826.0.1.3680043.9.9.4"))
            .write(to: root.appendingPathComponent("good.dcm"))
        let runner = DeidentifyRun(
            deidentifier: Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key)), centre: "C01", outputFolder: nil,
            chunkSize: 4096)
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
