#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the blob store needs, retried on `EINTR` and turned into `BlobStoreError`s.
enum FileSystem {
    static func fail(_ operation: String) -> BlobStoreError {
        BlobStoreError(operation: operation, errorNumber: errno)
    }

    static func closeDescriptor(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    /// Writes all of `bytes`.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            offset += written
        }
    }

    static func sync(_ descriptor: Int32) throws {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw fail("fsync") }
        }
    }

    /// fsyncs a folder, so that a rename or unlink in it survives a power loss (POSIX `rename` is atomic but
    /// only durable once the folder's entry is on disk).
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail("open directory") }
        defer { closeDescriptor(descriptor) }
        try sync(descriptor)
    }

    /// Creates a folder unless it exists; fsyncs its parent when it was created.
    static func makeDirectory(_ path: String, parent: String) throws {
        if mkdir(path, 0o750) == 0 {
            try syncDirectory(parent)
        } else if errno != EEXIST {
            throw fail("mkdir")
        }
    }

    /// The names in a folder, without `.` and `..`; empty if it does not exist.
    static func entries(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
