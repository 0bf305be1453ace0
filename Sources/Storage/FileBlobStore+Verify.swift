import Foundation
import Hashing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    private static func hash(file path: String, buffer: UnsafeMutableRawBufferPointer) -> (BlobAddress, Int64)? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { FileSystem.closeDescriptor(descriptor) }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            size += Int64(count)
        }
        return (BlobAddress(digest: hasher.finalize()), size)
    }
}
