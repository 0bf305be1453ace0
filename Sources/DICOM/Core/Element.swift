/// One data element: tag, VR and value (PS3.5 §7.1).
///
/// Binary values are always held in little-endian byte order whatever the transfer syntax they were read
/// from, so code that inspects or rewrites values never thinks about endianness; the writer emits explicit VR
/// little endian. String values are held as their raw bytes (padding included) because decoding depends on
/// the Specific Character Set in force; use `Element+Values.swift` to read and build typed values.
public struct Element: Sendable, Equatable {
    /// The element's tag.
    public var tag: Tag
    /// The element's VR: as read in explicit VR, from the data dictionary in implicit VR (UN if unknown).
    public var vr: VR
    /// The value.
    public var value: Value

    /// What an element holds.
    public enum Value: Sendable, Equatable {
        /// The value bytes, little endian, exactly as long as read (may be odd in a non-conformant file).
        case bytes([UInt8])
        /// A sequence of items (VR SQ, or UN whose value was parsed as an implicit VR LE sequence).
        case sequence([Item])
        /// Encapsulated pixel data held whole: basic offset table and fragments (PS3.5 §A.4).
        case encapsulated(EncapsulatedPixelData)
        /// A value the reader streamed as bulk events instead of holding it (see `StreamEvent`).
        case bulk(BulkValue)
    }

    /// Creates an element.
    public init(tag: Tag, vr: VR, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }

    /// Creates an element holding raw little-endian bytes.
    public init(tag: Tag, vr: VR, bytes: [UInt8]) {
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// Creates a sequence element.
    public init(tag: Tag, items: [Item]) {
        self.init(tag: tag, vr: .SQ, value: .sequence(items))
    }

    /// The VR to interpret the value with: the element's own, or the data dictionary's when it was read
    /// as UN (implicit VR of an unknown tag, or a sender that wrote UN).
    var interpretedVR: VR {
        guard vr == .UN else { return vr }
        return DataDictionary.entry(for: tag)?.vr ?? .UN
    }

    /// The value bytes, or `nil` for sequences, encapsulated and bulk values.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = value { return bytes }
        return nil
    }

    /// The items, or `nil` unless the value is a sequence.
    public var items: [Item]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// Whether the value is empty (zero length, no items, no fragments).
    public var isEmpty: Bool {
        switch value {
        case .bytes(let bytes): bytes.isEmpty
        case .sequence(let items): items.isEmpty
        case .encapsulated(let pixels): pixels.fragments.isEmpty && pixels.basicOffsetTable.isEmpty
        case .bulk(let bulk): bulk.length == 0
        }
    }
}

/// Encapsulated pixel data held in memory: the basic offset table (first item) and the fragments that
/// follow, each byte-exact as read (PS3.5 §A.4).
public struct EncapsulatedPixelData: Sendable, Equatable {
    /// The value of the first item: empty, or 32-bit little-endian offsets of each frame's first fragment.
    public var basicOffsetTable: [UInt8]
    /// The value of each following item.
    public var fragments: [[UInt8]]

    /// Creates encapsulated pixel data.
    public init(basicOffsetTable: [UInt8] = [], fragments: [[UInt8]]) {
        self.basicOffsetTable = basicOffsetTable
        self.fragments = fragments
    }
}

/// Describes a value that the streaming reader passed on as `bulkBytes` chunks rather than holding it.
public struct BulkValue: Sendable, Equatable {
    /// The value length in bytes, or `nil` for encapsulated pixel data (undefined length).
    public var length: UInt32?

    /// Creates a bulk value descriptor.
    public init(length: UInt32?) { self.length = length }

    /// Whether the value is encapsulated pixel data streamed as fragments.
    public var isEncapsulated: Bool { length == nil }
}
