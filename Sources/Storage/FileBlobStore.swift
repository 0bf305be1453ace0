public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files named by their SHA-256 in two levels of fan-out folders: `ab/cd/abcd…` under `root`.
///
/// Durability (nothing acknowledged may be lost): a blob is written to `root/tmp/`, on the same
/// filesystem, fsynced, renamed into place (atomic, POSIX `rename(2)`), and its folder fsynced, before
/// `commit()` returns. Temporaries are `flock(2)`-locked by their writer for their whole life, so the
/// start-up sweep can tell an orphan (no lock: its process died) from a write in progress in another
/// portal process sharing the folder.
public struct FileBlobStore: BlobStore {
    /// The store's folder.
    public let root: URL

    /// A store in `root`, creating `root` and `root/tmp` if needed.
    /// - Throws: `BlobStoreError` if the folders cannot be created.
    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        do {
            try FileManager.default.createDirectory(
                at: self.root.appendingPathComponent("tmp"), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750])
        } catch {
            throw BlobStoreError(operation: "create store folders", errorNumber: 0)
        }
    }

    var temporaryDirectory: String { root.path + "/tmp" }

    /// `root/ab/cd/<hex>` for an address.
    public func path(of address: BlobAddress) -> String {
        let hex = address.hex
        return "\(root.path)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    public func makeWriter() throws -> any BlobWriter {
        try FileBlobWriter(store: self)
    }

    public func open(_ address: BlobAddress) throws -> BlobFile? {
        let path = path(of: address)
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
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
        return BlobFile(descriptor: descriptor, offset: 0, length: Int64(status.st_size), path: path)
    }

    public func contains(_ address: BlobAddress) -> Bool {
        access(path(of: address), F_OK) == 0
    }

    @discardableResult
    public func delete(_ address: BlobAddress) throws -> Bool {
        let path = path(of: address)
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw FileSystem.fail("unlink")
        }
        try FileSystem.syncDirectory(String(path.dropLast(65)))
        return true
    }

    @discardableResult
    public func sweepOrphanTemporaries() throws -> Int {
        var removed = 0
        for name in FileSystem.entries(of: temporaryDirectory) where name.hasSuffix(FileBlobWriter.suffix) {
            let path = temporaryDirectory + "/" + name
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { FileSystem.closeDescriptor(descriptor) }
            // A live writer holds LOCK_EX until it renames or removes its file.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        if removed > 0 { try FileSystem.syncDirectory(temporaryDirectory) }
        return removed
    }
}
