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
/// Nothing is visible under the blob's address until `commit()` returns; a writer dropped (or a process
/// killed) before that leaves at most a temporary file, which `sweepOrphanTemporaries()` removes.
public protocol BlobWriter: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the blob durable and visible under its content address.
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

/// A file region to send: an open descriptor, an offset and a length (for `sendfile(2)`).
///
/// The descriptor stays valid even if the blob is deleted meanwhile; `close()` it when done (it is also
/// closed when the value is released).
public final class BlobFile: Sendable {
    /// The open file descriptor (read-only).
    public let descriptor: Int32
    /// Where the content starts in the file.
    public let offset: Int64
    /// How many bytes the content has.
    public let length: Int64
    /// The file's path, for logs and for servers that reopen it.
    public let path: String

    init(descriptor: Int32, offset: Int64, length: Int64, path: String) {
        self.descriptor = descriptor
        self.offset = offset
        self.length = length
        self.path = path
    }

    deinit { FileSystem.closeDescriptor(descriptor) }
}

/// Where blobs live: the local filesystem now, an S3-compatible store when the portal outgrows one machine.
public protocol BlobStore: Sendable {
    /// Starts writing a new blob.
    func makeWriter() throws -> any BlobWriter
    /// Opens a stored blob for reading; `nil` if there is none at `address`.
    func open(_ address: BlobAddress) throws -> BlobFile?
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
