import Foundation
import Hashing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one blob of a `FileBlobStore`: temporary file, digest computed on the way, then fsync, rename,
/// fsync of the folder.
///
/// Used by one task at a time (not `Sendable`).
final class FileBlobWriter: BlobWriter {
    /// Temporaries are `root/tmp/<random>.partial`.
    static let suffix = ".partial"

    private let store: FileBlobStore
    private let temporaryPath: String
    private var descriptor: Int32
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var isFinished = false

    init(store: FileBlobStore) throws {
        self.store = store
        while true {
            let name = (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
            let path = store.temporaryDirectory + "/" + name + Self.suffix
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else {
                if errno == EEXIST { continue }
                throw FileSystem.fail("create temporary")
            }
            guard flock(descriptor, LOCK_EX) == 0 else {
                let error = FileSystem.fail("flock")
                FileSystem.closeDescriptor(descriptor)
                throw error
            }
            // A sweep may have removed the file between open and flock; then start over with a new one.
            var onDisk = stat()
            var held = stat()
            if stat(path, &onDisk) == 0, fstat(descriptor, &held) == 0, onDisk.st_ino == held.st_ino {
                self.temporaryPath = path
                self.descriptor = descriptor
                return
            }
            FileSystem.closeDescriptor(descriptor)
        }
    }

    deinit {
        if !isFinished { abort() }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isFinished else { throw BlobStoreError(operation: "write after commit", errorNumber: 0) }
        try FileSystem.writeAll(descriptor, bytes)
        hasher.update(bytes)
        size += Int64(bytes.count)
    }

    func commit() throws -> StoredBlob {
        guard !isFinished else { throw BlobStoreError(operation: "commit twice", errorNumber: 0) }
        isFinished = true
        do {
            try FileSystem.sync(descriptor)
            var finished = SHA256()
            swap(&finished, &hasher)
            let address = BlobAddress(digest: finished.finalize())
            let hex = address.hex
            let first = store.root.path + "/" + hex.prefix(2)
            let second = first + "/" + hex.dropFirst(2).prefix(2)
            try FileSystem.makeDirectory(first, parent: store.root.path)
            try FileSystem.makeDirectory(second, parent: first)
            // Same content, same name: replacing an existing copy is harmless and keeps this atomic.
            guard rename(temporaryPath, store.path(of: address)) == 0 else { throw FileSystem.fail("rename") }
            try FileSystem.syncDirectory(second)
            FileSystem.closeDescriptor(descriptor)
            return StoredBlob(address: address, size: size)
        } catch {
            _ = unlink(temporaryPath)
            FileSystem.closeDescriptor(descriptor)
            throw error
        }
    }

    func abort() {
        guard !isFinished else { return }
        isFinished = true
        _ = unlink(temporaryPath)
        FileSystem.closeDescriptor(descriptor)
    }
}
