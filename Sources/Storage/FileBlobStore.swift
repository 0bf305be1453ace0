public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files named by their SHA-256 in two levels of fan-out folders: `ab/cd/abcd…` under `root`.
///
/// Durability (nothing acknowledged may be lost) comes from `DurableBatch`: a blob is written to a staging
/// folder under `root/tmp/`, on the same filesystem, made durable, renamed into place (atomic, POSIX
/// `rename(2)`), and its folder made durable, before its commit returns: a writer's own `commit()`, or its
/// batch's (one sync for all the blobs of an upload). Staging folders are `flock(2)`-locked by their batch
/// for its whole life, so the start-up sweep can tell an orphan (no lock: its process died) from a write in
/// progress in another portal process sharing the folder.
///
/// Readers get the content through `open(_:)`; `path(of:)` is the local-only route to a file for
/// sendfile(2) (HTTPServer's `Response.file(at:for:)`), outside the `BlobStore` protocol.
public struct FileBlobStore: BlobStore {
    /// The store's folder.
    public let root: URL
    /// How the store's batches sync (the defaults; tests may lower the limits to reach the `syncfs` path).
    public var batchConfiguration = DurableBatch.Configuration()

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

    /// `root/ab/cd/<hex>` for an address: where the blob's file is, for a local server to send it with
    /// sendfile(2). Not part of `BlobStore`: an object store has no path.
    public func path(of address: BlobAddress) -> String {
        let hex = address.hex
        return "\(root.path)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    public func makeWriter() throws -> any BlobWriter {
        try FileBlobWriter(store: self, owner: .alone)
    }

    public func makeBatch() throws -> any BlobBatch {
        try FileBlobBatch(store: self)
    }

    public func open(_ address: BlobAddress) async throws -> (any BlobReader)? {
        try FileBlobReader(path: path(of: address))
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
        DurableBatch.sweepOrphans(in: temporaryDirectory)
    }
}
