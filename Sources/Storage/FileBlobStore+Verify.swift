import Foundation
import Hashing

/// What `FileBlobStore.verify()` found.
public struct BlobVerificationReport: Sendable {
    /// Blobs re-hashed.
    public var checkedCount = 0
    /// Bytes re-hashed.
    public var checkedBytes: Int64 = 0
    /// Blobs whose content no longer hashes to their name.
    public var mismatches: [BlobAddress] = []
    /// Files in the fan-out folders that are not named like a blob, or could not be read (store-relative).
    public var unexpectedFiles: [String] = []

    /// Whether every blob is intact.
    public var isIntact: Bool { mismatches.isEmpty && unexpectedFiles.isEmpty }
}

extension FileBlobStore {
    /// Re-hashes every blob and reports those whose content changed (bit rot, tampering) and stray files.
    ///
    /// Reads in 1 MiB chunks, so memory stays flat whatever the blobs' sizes.
    public func verify() -> BlobVerificationReport {
        var report = BlobVerificationReport()
        let rootPath = root.path
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        for first in FileSystem.entries(of: rootPath).sorted() where first != "tmp" {
            for second in FileSystem.entries(of: rootPath + "/" + first).sorted() {
                let folder = "\(rootPath)/\(first)/\(second)"
                for name in FileSystem.entries(of: folder).sorted() {
                    let relative = "\(first)/\(second)/\(name)"
                    guard let address = BlobAddress(hex: name), name.hasPrefix(first + second) else {
                        report.unexpectedFiles.append(relative)
                        continue
                    }
                    guard let (digest, size) = Self.hash(file: folder + "/" + name, buffer: buffer) else {
                        report.unexpectedFiles.append(relative)
                        continue
                    }
                    report.checkedCount += 1
                    report.checkedBytes += size
                    if digest != address { report.mismatches.append(address) }
                }
            }
        }
        return report
    }

    /// Hashes one file through the store's own reader; nil when it cannot be opened or read.
    private static func hash(file path: String, buffer: UnsafeMutableRawBufferPointer) -> (BlobAddress, Int64)? {
        guard let reader = try? FileBlobReader(path: path) else { return nil }
        var hasher = SHA256()
        var offset: Int64 = 0
        while offset < reader.size {
            guard let count = try? reader.readNow(into: buffer, at: offset), count > 0 else { return nil }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            offset += Int64(count)
        }
        return (BlobAddress(digest: hasher.finalize()), offset)
    }
}
