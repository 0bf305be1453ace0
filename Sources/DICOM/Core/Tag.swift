import Hashing

/// A data element tag: a (group, element) pair of 16-bit numbers (PS3.5 §7.1).
///
/// Tags form an open set, so this is a `RawRepresentable` struct with static constants for the tags the
/// portal uses (see `Tag+Constants.swift`) rather than an enum. The raw value is `group << 16 | element`,
/// which makes the natural numeric order the order in which elements must appear in a data set.
public struct Tag: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `group << 16 | element`.
    public var rawValue: UInt32

    /// Creates a tag from its packed raw value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates a tag from its group and element numbers.
    public init(_ group: UInt16, _ element: UInt16) {
        rawValue = UInt32(group) << 16 | UInt32(element)
    }

    /// The group number.
    public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }

    /// The element number.
    public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// Whether the tag is private: its group number is odd (PS3.5 §7.8).
    ///
    /// Groups 0001, 0003, 0005 and 0007 and FFFF are not allowed for private use; they are still reported as
    /// private here, which is the safe reading for de-identification.
    public var isPrivate: Bool { group & 1 == 1 }

    /// Whether the tag is a private creator element (gggg,0010-00FF) in an odd group (PS3.5 §7.8.1).
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }

    /// For a private data element (gggg,xxyy with xx ≥ 0x10), the tag of the private creator that reserves
    /// its block: (gggg,00xx). `nil` for anything else.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }

    /// Whether the tag is a group length element (gggg,0000), retired outside group 0002 (PS3.5 §7.2).
    public var isGroupLength: Bool { element == 0 }

    /// Whether the tag belongs to the file meta information group 0002 (PS3.10 §7.1).
    public var isFileMeta: Bool { group == 0x0002 }

    /// Item, item delimitation and sequence delimitation tags (FFFE,E000/E00D/E0DD), which carry no VR
    /// even in explicit VR transfer syntaxes (PS3.5 §7.5).
    public var isDelimiter: Bool { group == 0xFFFE }

    /// `(gggg,eeee)` in upper-case hexadecimal, as dcmdump prints it.
    public var description: String {
        "(\(Self.hex(group)),\(Self.hex(element)))"
    }

    /// `ggggeeee` in upper-case hexadecimal, as the DICOM JSON model keys elements (PS3.18 §F.2.1).
    public var hexString: String { Self.hex(group) + Self.hex(element) }

    /// Parses `ggggeeee`, `(gggg,eeee)` or `gggg,eeee`.
    public init?(_ text: some StringProtocol) {
        let digits = String(text.filter { $0.isHexDigit })
        guard digits.count == 8, text.count <= 11, let value = UInt32(digits, radix: 16) else { return nil }
        rawValue = value
    }

    /// Orders tags as PS3.5 §7.1 requires elements to be encoded: by group, then element.
    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    static func hex(_ value: UInt16) -> String {
        Hashing.hexString([UInt8(value >> 8), UInt8(truncatingIfNeeded: value)], uppercase: true)
    }
}
