/// What the streaming reader reports and the streaming writer consumes, in stream order.
///
/// A stream is: one `header`, then for each top-level element of the data set either one `element`
/// (a complete element; sequences arrive whole with all their items) or a bulk value as
/// `bulkStart`, then `bulkBytes` chunks (for encapsulated pixel data each item is introduced by
/// `fragmentStart`, the first one being the basic offset table), then `bulkEnd`; finally `end`.
/// Bulk values are top-level Pixel Data and any top-level value longer than
/// `StreamReader.Configuration.bulkThreshold`; they are never held whole. Byte chunks are little endian
/// and may be slices of the caller's input buffers (no copy).
public enum StreamEvent: Sendable, Equatable {
    /// The file meta group (empty if the stream had none) and the transfer syntax of the data set.
    case header(FileHeader)
    /// A complete top-level data element.
    case element(Element)
    /// A bulk value begins; its length is `nil` for encapsulated pixel data.
    case bulkStart(tag: Tag, vr: VR, value: BulkValue)
    /// Encapsulated pixel data only: an item (fragment) of this many bytes begins.
    case fragmentStart(length: UInt32)
    /// Bytes of the current bulk value or fragment, little endian.
    case bulkBytes(ArraySlice<UInt8>)
    /// The bulk value that began with `bulkStart` is complete.
    case bulkEnd
    /// The data set is complete.
    case end
}

/// The part of a Part 10 stream before the data set (PS3.10 §7.1).
public struct FileHeader: Sendable, Equatable {
    /// The file meta information group (0002,xxxx) as read; empty when the stream had none.
    public var meta: DataSet
    /// The transfer syntax the data set is encoded in.
    public var transferSyntax: TransferSyntax
    /// Whether the stream began with the 128-byte preamble and `DICM`.
    public var hasPreamble: Bool

    /// Creates a header.
    public init(meta: DataSet, transferSyntax: TransferSyntax, hasPreamble: Bool) {
        self.meta = meta
        self.transferSyntax = transferSyntax
        self.hasPreamble = hasPreamble
    }
}
