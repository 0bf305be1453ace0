import DICOM
import Foundation

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
        let result = run("/usr/bin/env", ["python3", "-c", "import pydicom,os;print(os.path.dirname(pydicom.__file__))"])
        guard result.status == 0 else { return nil }
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
    static func hasTool(_ name: String) -> Bool {
        run("/bin/sh", ["-c", "command -v \(name)"]).status == 0
    }

    /// Runs a process to completion and returns its status, standard output and standard error.
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String, errors: String) {
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errorURL) }
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil),
            let errorHandle = try? FileHandle(forWritingTo: errorURL)
        else { return (-1, "", "cannot create a temporary file") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errorHandle.close()
        let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errors)
    }

    /// A fresh temporary folder.
    static func makeTemporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dicom-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
