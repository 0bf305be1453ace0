import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the blob store and durable batches need, retried on `EINTR` and turned into
/// `BlobStoreError`s. No Foundation here: `FileManager` costs a dozen `stat`s and an `listxattr` per file.
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

    /// Copies `count` bytes of `source` from `offset` to the current position of `target`, in the kernel
    /// (`copy_file_range(2)`); falls back to reading and writing where the kernel cannot (another
    /// filesystem on an old kernel, a special file).
    /// - Throws: `BlobStoreError` when a call fails or `source` ends first.
    static func copy(from source: Int32, at offset: Int64, count: Int, to target: Int32) throws {
        var position = off_t(offset)
        var left = count
        while left > 0 {
            let copied = copy_file_range(source, &position, target, nil, UInt(left), 0)
            if copied > 0 {
                left -= copied
                continue
            }
            if copied == 0 { throw BlobStoreError(operation: "copy: source ended", errorNumber: 0) }
            switch errno {
            case EINTR: continue
            case EXDEV, EINVAL, ENOSYS, EOPNOTSUPP:
                var buffer = [UInt8](repeating: 0, count: min(left, 1 << 20))
                while left > 0 {
                    let read = try buffer.withUnsafeMutableBytes {
                        try Self.read(source, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<min(left, $0.count)]), at: Int64(position))
                    }
                    guard read > 0 else { throw BlobStoreError(operation: "copy: source ended", errorNumber: 0) }
                    try buffer.withUnsafeBytes { try writeAll(target, UnsafeRawBufferPointer(rebasing: $0[..<read])) }
                    position += off_t(read)
                    left -= read
                }
            default: throw fail("copy_file_range")
            }
        }
    }

    /// Reads up to `buffer.count` bytes at `offset` (pread(2)); 0 at the end of the file.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw fail("read") }
        }
    }

    static func sync(_ descriptor: Int32) throws {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw fail("fsync") }
        }
    }

    /// Commits every file and folder of the filesystem holding `descriptor` (syncfs(2)): one journal commit
    /// and one device flush for a whole batch, where an fsync per file pays one each. Reports write-back
    /// errors of that filesystem since `descriptor` was opened (Linux 5.8+).
    static func syncFilesystem(_ descriptor: Int32) throws {
        while syncfs(descriptor) != 0 {
            if errno != EINTR { throw fail("syncfs") }
        }
    }

    /// Starts writing a file's dirty pages to disk and returns without waiting (sync_file_range(2),
    /// `SYNC_FILE_RANGE_WRITE`). Not a durability step: a hint that lets the disk work while the caller
    /// goes on, so that the sync that follows has little left to do. Failures are ignored (the sync reports
    /// write-back errors).
    static func startWriteBack(_ descriptor: Int32) {
        _ = portal_start_writeback(descriptor)
    }

    /// fsyncs a folder, so that a rename or unlink in it survives a power loss (POSIX `rename` is atomic but
    /// only durable once the folder's entry is on disk).
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail("open directory") }
        defer { closeDescriptor(descriptor) }
        try sync(descriptor)
    }

    /// Creates `path` and any missing folder above it (`mkdir -p`), calling `created` with the parent of
    /// each folder made (the folder whose entries changed). An existing folder costs a `mkdir` and a `stat`.
    /// - Throws: `BlobStoreError` (`mkdir`), with `ENOTDIR` when something else than a folder has the name.
    static func makeDirectories(_ path: String, permissions: mode_t, created: (String) -> Void) throws {
        if mkdir(path, permissions) == 0 {
            created(parent(of: path))
            return
        }
        switch errno {
        case EEXIST:
            var status = stat()
            guard stat(path, &status) == 0 else { throw fail("mkdir") }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw BlobStoreError(operation: "mkdir", errorNumber: ENOTDIR)
            }
        case ENOENT where parent(of: path) != path:
            try makeDirectories(parent(of: path), permissions: permissions, created: created)
            guard mkdir(path, permissions) == 0 || errno == EEXIST else { throw fail("mkdir") }
            created(parent(of: path))
        default:
            throw fail("mkdir")
        }
    }

    /// The folder part of a path: `a/b` for `a/b/c`, `/` for `/c`, `.` for `c`.
    static func parent(of path: String) -> String {
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") {
            end = bytes.index(before: end)
        }
        guard let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) else {
            return end == bytes.startIndex && !bytes.isEmpty ? "/" : "."
        }
        var folderEnd = slash
        while folderEnd > bytes.startIndex, bytes[bytes.index(before: folderEnd)] == UInt8(ascii: "/") {
            folderEnd = bytes.index(before: folderEnd)
        }
        return folderEnd == bytes.startIndex ? "/" : String(path[..<folderEnd])
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
