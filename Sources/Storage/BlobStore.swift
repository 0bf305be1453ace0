import Hashing

/// The SHA-256 of a blob's content, which is also its name in the store.
///
/// Only 64 lower-case hex digits are accepted, so an address can never spell a path outside the store.
public struct BlobAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    public let hex: String

    /// An address from its hex text; `nil` unless exactly 64 lower-case hex digits.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        self.hex = hex
    }

    /// The address of a 32-byte SHA-256 digest.
    public init(digest: [UInt8]) {
        precondition(digest.count == SHA256.byteCount, "a SHA-256 digest has 32 bytes")
        hex = hexString(digest)
    }

    public var description: String { hex }
    public static func < (lhs: BlobAddress, rhs: BlobAddress) -> Bool { lhs.hex < rhs.hex }
}

/// A blob once stored: its address and size.
public struct StoredBlob: Sendable, Hashable {
    /// The content's SHA-256.
    public let address: BlobAddress
    /// The content's length in bytes.
    public let size: Int64
}

/// A writer filling one new blob chunk by chunk, in bounded memory.
///
/// Nothing is visible under the blob's address until it is committed: by the writer's own `commit()` for
/// a writer from `BlobStore.makeWriter()`, by its batch's `commit()` for a writer from a `BlobBatch`. A
/// writer dropped (or a process killed) before that leaves at most a temporary, which
/// `sweepOrphanTemporaries()` removes.
public protocol BlobWriter: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the blob and returns its address and size. A writer of its own makes the blob durable and
    /// visible here; a writer of a batch hands it to the batch, whose commit does that.
    func commit() throws -> StoredBlob
    /// Throws the partial content away.
    func abort()
}

extension BlobWriter {
    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Blobs stored together and made durable with one sync for all (an upload of many instances): every
/// writer's `commit()` only ends its blob; the batch's `commit()` makes them all durable and visible.
///
/// Used by one task at a time. A batch released without `commit()` stores nothing.
public protocol BlobBatch: AnyObject {
    /// Starts a new blob in this batch.
    func makeWriter() throws -> any BlobWriter
    /// Makes every blob whose writer committed durable and visible; returns them in the order they ended.
    func commit() throws -> [StoredBlob]
    /// Throws away every blob of the batch not committed yet.
    func abort()
}

/// Where blobs live: the local filesystem now, an S3-compatible store when the portal outgrows one machine.
///
/// Streams go in (writers), ranged reads come out (readers); no file descriptor crosses this protocol, so
/// an object store can implement it. A local-only shortcut for sendfile(2) is `FileBlobStore.path(of:)`.
public protocol BlobStore: Sendable {
    /// Starts writing a new blob that commits on its own.
    func makeWriter() throws -> any BlobWriter
    /// Starts a batch of blobs made durable together.
    func makeBatch() throws -> any BlobBatch
    /// Opens a stored blob for reading, once per blob served; `nil` if there is none at `address`.
    func open(_ address: BlobAddress) async throws -> (any BlobReader)?
    /// Whether a blob is stored at `address`.
    func contains(_ address: BlobAddress) -> Bool
    /// Removes a blob; `false` if there was none.
    @discardableResult func delete(_ address: BlobAddress) throws -> Bool
    /// Removes temporaries no live writer holds; call at start-up. Returns how many were removed.
    @discardableResult func sweepOrphanTemporaries() throws -> Int
}

extension BlobStore {
    /// Stores a blob from a stream of chunks; memory stays bounded by the chunk size.
    public func store<Chunks: AsyncSequence>(_ chunks: Chunks) async throws -> StoredBlob
    where Chunks.Element == [UInt8] {
        let writer = try makeWriter()
        do {
            for try await chunk in chunks { try writer.write(chunk) }
            return try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Stores a blob held in memory.
    public func store(_ bytes: [UInt8]) throws -> StoredBlob {
        let writer = try makeWriter()
        do {
            try writer.write(bytes)
            return try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }
}
