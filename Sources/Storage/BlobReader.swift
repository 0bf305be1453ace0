/// A stored blob opened for reading: its size, and its bytes at any offset.
///
/// Opened once per blob served, so every read of one response sees the same content and size, even if
/// the blob is deleted meanwhile. A local store reads a file; an object store would make ranged GETs.
public protocol BlobReader: Sendable {
    /// The blob's length in bytes.
    var size: Int64 { get }
    /// Reads up to `buffer.count` bytes starting at `offset`; returns how many, 0 at or past the end.
    /// - Throws: `BlobStoreError` when the read fails.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) async throws -> Int
}

extension BlobReader {
    /// The bytes of `range`, clamped to the blob (ranged reads: a Range request's part).
    /// - Throws: `BlobStoreError` when a read fails, or when the blob ends before `size` says.
    public func bytes(in range: Range<Int64>) async throws -> [UInt8] {
        let lower = min(max(0, range.lowerBound), size)
        let count = Int(min(max(lower, range.upperBound), size) - lower)
        // `read` may suspend, which no `withUnsafeMutableBytes` closure can: read into a buffer of our own.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < count {
            let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
            let read = try await self.read(into: rest, at: lower + Int64(filled))
            guard read > 0 else { throw BlobStoreError(operation: "read past the end", errorNumber: 0) }
            filled += read
        }
        return [UInt8](buffer)
    }

    /// The bytes of `range` (the whole blob when nil), as chunks of at most `chunkSize` bytes read one at
    /// a time as they are consumed: memory stays bounded whatever the blob's size.
    public func chunks(in range: Range<Int64>? = nil, chunkSize: Int = 256 * 1024) -> BlobChunks {
        let whole = 0..<size
        let clamped = range.map { min(max(0, $0.lowerBound), size)..<min(max($0.lowerBound, $0.upperBound), size) }
        return BlobChunks(reader: self, range: clamped ?? whole, chunkSize: max(1, chunkSize))
    }
}

/// A blob's bytes as a sequence of chunks, read lazily from a `BlobReader`.
public struct BlobChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let reader: any BlobReader
    let range: Range<Int64>
    let chunkSize: Int

    /// Reads the next chunk when asked.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: any BlobReader
        var offset: Int64
        let end: Int64
        let chunkSize: Int

        /// The next chunk, or nil after the range's last byte.
        public mutating func next() async throws -> [UInt8]? {
            guard offset < end else { return nil }
            let upper = Swift.min(end, offset + Int64(chunkSize))
            let chunk = try await reader.bytes(in: offset..<upper)
            offset = upper
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: reader, offset: range.lowerBound, end: range.upperBound, chunkSize: chunkSize)
    }
}
