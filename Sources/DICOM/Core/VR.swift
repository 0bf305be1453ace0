/// A value representation: the two-letter data type of an element (PS3.5 §6.2, Table 6.2-1).
///
/// An open set (a file may carry a VR this build does not know), so a `RawRepresentable` struct whose raw
/// value is the two ASCII bytes, first byte high. The per-VR facts the reader and writer need (length field
/// size in explicit VR, padding, byte-swap unit, character repertoire) are properties here.
public struct VR: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The two ASCII characters, first one in the high byte.
    public var rawValue: UInt16

    /// Creates a VR from its packed code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a VR from its two code bytes as they appear in an explicit VR stream.
    public init(_ first: UInt8, _ second: UInt8) { rawValue = UInt16(first) << 8 | UInt16(second) }

    /// Creates a VR from its two-letter name; `nil` unless exactly two upper-case ASCII letters.
    public init?(_ name: String) {
        let bytes = Array(name.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        self.init(bytes[0], bytes[1])
    }

    /// The two code bytes.
    public var bytes: (UInt8, UInt8) { (UInt8(rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)) }

    /// Whether both code bytes are upper-case ASCII letters, as every VR defined by PS3.5 is.
    public var isWellFormed: Bool {
        let (a, b) = bytes
        return a >= 0x41 && a <= 0x5A && b >= 0x41 && b <= 0x5A
    }

    /// The two-letter name (non-letters shown as `?`).
    public var description: String {
        let (a, b) = bytes
        let printable = { (c: UInt8) in Character(UnicodeScalar(c >= 0x20 && c < 0x7F ? c : 0x3F)) }
        return String([printable(a), printable(b)])
    }

    public static let AE = VR(0x41, 0x45), AS = VR(0x41, 0x53), AT = VR(0x41, 0x54)
    public static let CS = VR(0x43, 0x53), DA = VR(0x44, 0x41), DS = VR(0x44, 0x53), DT = VR(0x44, 0x54)
    public static let FD = VR(0x46, 0x44), FL = VR(0x46, 0x4C), IS = VR(0x49, 0x53)
    public static let LO = VR(0x4C, 0x4F), LT = VR(0x4C, 0x54)
    public static let OB = VR(0x4F, 0x42), OD = VR(0x4F, 0x44), OF = VR(0x4F, 0x46), OL = VR(0x4F, 0x4C)
    public static let OV = VR(0x4F, 0x56), OW = VR(0x4F, 0x57)
    public static let PN = VR(0x50, 0x4E), SH = VR(0x53, 0x48), SL = VR(0x53, 0x4C), SQ = VR(0x53, 0x51)
    public static let SS = VR(0x53, 0x53), ST = VR(0x53, 0x54), SV = VR(0x53, 0x56), TM = VR(0x54, 0x4D)
    public static let UC = VR(0x55, 0x43), UI = VR(0x55, 0x49), UL = VR(0x55, 0x4C), UN = VR(0x55, 0x4E)
    public static let UR = VR(0x55, 0x52), US = VR(0x55, 0x53), UT = VR(0x55, 0x54), UV = VR(0x55, 0x56)

    /// Every VR defined by PS3.5 Table 6.2-1 (2024b).
    public static let all: [VR] = [
        .AE, .AS, .AT, .CS, .DA, .DS, .DT, .FD, .FL, .IS, .LO, .LT, .OB, .OD, .OF, .OL, .OV, .OW, .PN, .SH,
        .SL, .SQ, .SS, .ST, .SV, .TM, .UC, .UI, .UL, .UN, .UR, .US, .UT, .UV,
    ]

    /// Whether the VR is one PS3.5 Table 6.2-1 defines.
    public var isKnown: Bool { Self.all.contains(self) }

    /// Whether explicit VR encodes this VR with 2 reserved bytes and a 32-bit length, rather than a 16-bit
    /// length (PS3.5 §7.1.2, Table 7.1-1). Unknown VRs are read as 32-bit, as dcmtk and pydicom do.
    public var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: true
        default: !isKnown
        }
    }

    /// Whether the value is a character string (PS3.5 §6.2): padded with a space, or NUL for UI.
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: true
        default: false
        }
    }

    /// Whether the value's text is in the Specific Character Set rather than the default repertoire
    /// (PS3.5 §6.1.2.3): SH, LO, UC, ST, LT, UT and PN.
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: true
        default: false
        }
    }

    /// Whether a backslash separates multiple values (PS3.5 §6.4); not for LT, ST, UT and UR.
    public var allowsMultipleStringValues: Bool { isString && self != .LT && self != .ST && self != .UT && self != .UR }

    /// The byte used to pad a value to even length (PS3.5 §7.1.1): space for strings, NUL for UI and binary.
    public var paddingByte: UInt8 { isString && self != .UI ? 0x20 : 0x00 }

    /// The size of the unit whose bytes are reversed between little- and big-endian encodings
    /// (PS3.5 §7.3): 2 for OW, US, SS and AT; 4 for UL, SL, FL, OF, OL; 8 for FD, OD, SV, UV, OV; else 1.
    public var byteSwapUnit: Int {
        switch self {
        case .OW, .US, .SS, .AT: 2
        case .UL, .SL, .FL, .OF, .OL: 4
        case .FD, .OD, .SV, .UV, .OV: 8
        default: 1
        }
    }

    /// Maximum length of one value in bytes (characters for UC/PN component groups), or `nil` when only the
    /// 2³²−2 limit applies (PS3.5 Table 6.2-1).
    public var maximumValueLength: Int? {
        switch self {
        case .AE, .CS, .DS, .SH: 16
        case .AS: 4
        case .DA: 8
        case .DT: 26
        case .IS: 12
        case .LO, .PN, .UI: 64
        case .LT: 10240
        case .ST: 1024
        case .TM: 14
        case .AT, .FL, .SL, .UL: 4
        case .SS, .US: 2
        case .FD, .SV, .UV: 8
        default: nil
        }
    }

    /// Whether the value holds binary numbers or raw bytes rather than text or items.
    public var isBinary: Bool { !isString && self != .SQ }
}
