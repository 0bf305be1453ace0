@testable import DICOM

/// Hand-encoded DICOM for tests that need exact control over the bytes (PS3.5 §7.1).
enum Encoding {
    static func uint16(_ value: UInt16, bigEndian: Bool = false) -> [UInt8] {
        let bytes = [UInt8(truncatingIfNeeded: value), UInt8(value >> 8)]
        return bigEndian ? bytes.reversed() : bytes
    }

    static func uint32(_ value: UInt32, bigEndian: Bool = false) -> [UInt8] {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        return bigEndian ? bytes.reversed() : bytes
    }

    static func tag(_ tag: Tag, bigEndian: Bool = false) -> [UInt8] {
        uint16(tag.group, bigEndian: bigEndian) + uint16(tag.element, bigEndian: bigEndian)
    }

    /// An explicit VR element; `length` overrides the value's length (e.g. undefined).
    static func explicit(_ tag: Tag, _ vr: VR, _ value: [UInt8], length: UInt32? = nil, bigEndian: Bool = false) -> [UInt8] {
        let (a, b) = vr.bytes
        let count = length ?? UInt32(value.count)
        if vr.hasLongLength {
            return self.tag(tag, bigEndian: bigEndian) + [a, b, 0, 0] + uint32(count, bigEndian: bigEndian) + value
        }
        return self.tag(tag, bigEndian: bigEndian) + [a, b] + uint16(UInt16(count), bigEndian: bigEndian) + value
    }

    /// An implicit VR little endian element.
    static func implicit(_ tag: Tag, _ value: [UInt8], length: UInt32? = nil) -> [UInt8] {
        self.tag(tag) + uint32(length ?? UInt32(value.count)) + value
    }

    /// An item of undefined length with its delimiter.
    static func item(_ content: [UInt8]) -> [UInt8] {
        tag(.item) + uint32(0xFFFF_FFFF) + content + tag(.itemDelimitationItem) + uint32(0)
    }

    static let sequenceEnd = tag(.sequenceDelimitationItem) + uint32(0)

    static func text(_ string: String) -> [UInt8] {
        var bytes = Array(string.utf8)
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        return bytes
    }

    /// A Part 10 file: preamble, DICM, a meta group naming the transfer syntax, then `dataSet`.
    static func part10(transferSyntax: String, dataSet: [UInt8]) -> [UInt8] {
        var uid = Array(transferSyntax.utf8)
        if uid.count % 2 == 1 { uid.append(0) }
        let body = explicit(.fileMetaInformationVersion, .OB, [0, 1]) + explicit(.transferSyntaxUID, .UI, uid)
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            + explicit(.fileMetaInformationGroupLength, .UL, uint32(UInt32(body.count))) + body + dataSet
    }
}
