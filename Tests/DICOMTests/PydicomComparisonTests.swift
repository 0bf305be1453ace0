@testable import DICOM
import Foundation
import TestSupport
import Testing

/// Our reader against pydicom and dcmtk over pydicom's bundled test files (run when pydicom is installed;
/// `scripts/bootstrap --test` installs it and dcmtk).
@Suite(.enabled(if: Fixtures.pydicomTestFiles != nil, "pydicom is not importable"))
struct PydicomComparisonTests {
    /// `test_files` is the set the issue names; `charset_files` adds pydicom's character set samples.
    @Test(.timeLimit(.minutes(3)), arguments: ["test_files", "charset_files"])
    func readsEveryFileAsPydicomDoesOrRefusesWherePydicomDoes(folderName: String) async throws {
        let folder = try Fixtures.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let testFiles = try #require(Fixtures.pydicomTestFiles)
        let source = testFiles[0].deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(folderName)
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
        #expect(names.count > 15)
        for name in names {
            let url = source.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }  // a folder
            let target = folder.appendingPathComponent(name)
            do {
                let file = try DICOMFile(bytes: [UInt8](data))
                try Data(ComparisonDump.json(of: file).utf8).write(to: target.appendingPathExtension("json"))
            } catch let error as DICOMError {
                try Data(error.description.utf8).write(to: target.appendingPathExtension("refused"))
            }
        }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/dicom-compare.py").path
        let result = try await ToolRun.run("python3", [script, "--ours", folder.path, "--files", source.path])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("0 file(s) failed"))
        #expect(result.output.contains(": ok: same elements"))
    }

    @Test func readWriteReadLosesNothing() throws {
        #expect(Fixtures.readableFiles.count > 50)
        for readable in Fixtures.readableFiles {
            let written = try readable.file.serialized()
            let reread = try DICOMFile(bytes: written)
            #expect(
                Normalised(reread.dataSet) == Normalised(readable.file.dataSet), "\(readable.name) changed on rewrite")
            #expect(reread.header.hasPreamble)
            let source = readable.file.header.transferSyntax
            let expected = source.isEncapsulated && !source.isDeflated ? source.uid : TransferSyntax.explicitVRLittleEndian.uid
            #expect(reread.header.transferSyntax.uid == expected, "\(readable.name)")
            let groupLength = try #require(reread.header.meta[.fileMetaInformationGroupLength]?.uint32)
            #expect(groupLength > 0)
            // The rewrite is stable: writing what we read back gives the same bytes.
            #expect(try reread.serialized() == written, "\(readable.name) rewrite not stable")
        }
    }

    @Test(.enabled(if: Fixtures.hasTool("dcmdump"), "dcmdump is not installed"), .timeLimit(.minutes(3)))
    func dcmdumpAndPydicomReadWhatWeWriteWithoutWarnings() async throws {
        let folder = try Fixtures.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try #require(Fixtures.pydicomTestFiles?.first).deletingLastPathComponent()
        for readable in Fixtures.readableFiles {
            let path = folder.appendingPathComponent(readable.name).path
            try Data(try readable.file.serialized()).write(to: URL(fileURLWithPath: path))
            let result = try await ToolRun.run("dcmdump", [path])
            // Only messages the original does not cause count (e.g. a forbidden group 0001 the source has).
            let original = try await ToolRun.run("dcmdump", [source.appendingPathComponent(readable.name).path])
            let known = Set(original.errors.split(separator: "\n"))
            let new = result.errors.split(separator: "\n").filter { !known.contains($0) }
            #expect(result.status == 0 && new.isEmpty, "dcmdump on \(readable.name): \(new)")
        }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/dicom-compare.py").path
        let result = try await ToolRun.run("python3", [script, "--check-written", folder.path])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
    }
}

/// A data set with what a rewrite legitimately changes taken out: group lengths (recomputed), odd-length
/// values (padded to even) and VRs the writer must change (unknown VRs, overlong US/SS).
struct Normalised: Equatable {
    var elements: [String]

    init(_ dataSet: DataSet) {
        elements = []
        for element in dataSet where !element.tag.isGroupLength {
            switch element.value {
            case .bytes(var bytes):
                if bytes.count % 2 == 1 { bytes.append(element.vr.paddingByte) }
                let vr = ElementEncoder.outputVR(element.vr, tag: element.tag, length: bytes.count)
                elements.append("\(element.tag) \(vr) \(bytes)")
            case .sequence(let items):
                elements.append("\(element.tag) SQ \(items.count)")
                for item in items { elements += Normalised(item).elements.map { "  " + $0 } }
            case .encapsulated(let pixels):
                elements.append("\(element.tag) \(pixels)")
            case .bulk(let bulk):
                elements.append("\(element.tag) bulk \(String(describing: bulk.length))")
            }
        }
    }
}
