#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blob of a `FileBlobStore` opened for reading: the descriptor stays inside (pread(2) at any offset),
/// and closes when the reader is released. Reads keep working if the blob is deleted meanwhile.
final class FileBlobReader: BlobReader {
    /// Read-only descriptor, never changed; pread(2) keeps no file position, so any task may read.
    private let descriptor: Int32
    let size: Int64

    /// Opens `path`; nil when there is no file there.
    /// - Throws: `BlobStoreError` for any other failure.
    init?(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystem.fail("open")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = FileSystem.fail("fstat")
            FileSystem.closeDescriptor(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
    }

    deinit { FileSystem.closeDescriptor(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) async throws -> Int {
        try readNow(into: buffer, at: offset)
    }

    /// The synchronous read behind `read(into:at:)`, for the store's own sequential scans (`verify`).
    func readNow(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard offset < size, !buffer.isEmpty else { return 0 }
        let wanted = UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(min(Int64(buffer.count), size - offset))])
        return try FileSystem.read(descriptor, into: wanted, at: offset)
    }
}
