import ArgumentParser
import Foundation
import Storage

/// `portal blobs`: maintenance of the blob store.
struct BlobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blobs", abstract: "Maintain the blob store.", subcommands: [Verify.self])

    /// `portal blobs verify`: re-hashes every blob and reports those whose content no longer matches.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Re-hash every stored blob; exit status 1 if any no longer matches its SHA-256.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let root = storage.resolve().blobDirectory
            guard FileManager.default.fileExists(atPath: root.path) else {
                print("No blob store at \(root.path): nothing to verify.")
                return
            }
            // Never beside a portal running its private cluster on the same data folder (nor another verify).
            let lock = try storage.lockDataDirectory()
            defer { lock.release() }
            let store: FileBlobStore
            do {
                store = try FileBlobStore(root: root)
            } catch {
                FileHandleOutput.standardError("error: cannot open the blob store at \(root.path): \(error)")
                throw ExitCode(1)
            }
            let report = store.verify()
            for address in report.mismatches { print("MISMATCH \(address.hex)") }
            for path in report.unexpectedFiles { print("UNEXPECTED \(path)") }
            print(
                "Checked \(report.checkedCount) blob(s), \(report.checkedBytes) bytes: "
                    + "\(report.mismatches.count) mismatch(es), \(report.unexpectedFiles.count) unexpected file(s).")
            if !report.isIntact { throw ExitCode(1) }
        }
    }
}

/// Writes a line to standard error (the commands print results on standard output).
enum FileHandleOutput {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
