import DICOM
import Foundation
import TestSupport

/// Real files and external tools the DICOM tests use when the machine has them.
enum Fixtures {
    /// The repository root (the tests run from anywhere).
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// pydicom's bundled test files, or `nil` when pydicom is not importable.
    static let pydicomTestFiles: [URL]? = {
        guard let result = try? ToolRun.runBlocking("python3", ["-c", "import pydicom,os;print(os.path.dirname(pydicom.__file__))"]),
            result.status == 0
        else { return nil }
        let folder = URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            .appendingPathComponent("data/test_files")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        return names.sorted().map { folder.appendingPathComponent($0) }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }()

    /// One pydicom test file our reader accepts, read whole.
    struct ReadableFile: Sendable {
        var name: String
        var bytes: [UInt8]
        var file: DICOMFile
    }

    /// The pydicom test files our reader accepts.
    static let readableFiles: [ReadableFile] = {
        (pydicomTestFiles ?? []).compactMap { url in
            guard let data = FileManager.default.contents(atPath: url.path),
                let file = try? DICOMFile(bytes: [UInt8](data))
            else { return nil }
            return ReadableFile(name: url.lastPathComponent, bytes: [UInt8](data), file: file)
        }
    }()

    /// Whether an executable is on the PATH.
    static func hasTool(_ name: String) -> Bool { ToolRun.hasTool(name) }

    /// A fresh temporary folder.
    static func makeTemporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dicom-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
