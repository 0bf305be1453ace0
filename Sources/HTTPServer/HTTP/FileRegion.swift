import Glibc

/// A byte range of a file opened for a response. The descriptor closes when the last copy is released.
public final class FileRegion: Sendable {
    /// The open descriptor; read only by the connection that sends it.
    let descriptor: Int32
    /// First byte to send.
    public let offset: Int64
    /// Number of bytes to send.
    public let length: Int64

    /// Why a file could not be opened for sending.
    public struct OpenError: Error, CustomStringConvertible, Sendable {
        /// The errno value.
        public var code: Int32
        public var description: String { "The file could not be opened (errno \(code))." }
    }

    /// Opens `path` and selects `offset ..< offset + length` (to the end of the file when nil),
    /// clamped to the file's size.
    /// - Throws: ``OpenError``.
    public init(path: String, offset: Int64 = 0, length: Int64? = nil) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OpenError(code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw OpenError(code: code)
        }
        let size = Int64(info.st_size)
        self.descriptor = descriptor
        self.offset = min(max(0, offset), size)
        self.length = min(length ?? size, size - self.offset)
    }

    /// The part `offset ..< offset + length` of `region`'s file (clamped to the region), on a descriptor
    /// of its own (dup(2)): each region closes only its own.
    /// - Throws: ``OpenError``.
    init(narrowing region: FileRegion, offset: Int64, length: Int64) throws {
        let descriptor = fcntl(region.descriptor, F_DUPFD_CLOEXEC, 0)
        guard descriptor >= 0 else { throw OpenError(code: errno) }
        let end = region.offset + region.length
        self.descriptor = descriptor
        self.offset = min(max(region.offset, offset), end)
        self.length = min(max(0, length), end - self.offset)
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `position` (pread(2)); 0 at the end of the file, -1 on error.
    func read(into buffer: UnsafeMutableRawBufferPointer, at position: Int64) -> Int {
        pread(descriptor, buffer.baseAddress, buffer.count, off_t(position))
    }
}
