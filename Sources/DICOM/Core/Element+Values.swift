/// Typed views of element values and constructors that encode them (PS3.5 §6.2).
extension Element {
    /// The value as text, decoded with the character set, trailing padding (spaces and NULs) removed.
    ///
    /// Leading blanks are kept: they are significant in LT, ST, UT and UR (PS3.5 Table 6.2-1).
    public func string(characterSet: SpecificCharacterSet = .default) -> String? {
        guard let bytes, vr.isString || vr == .UN else { return nil }
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x00 { end -= 1 }
        return characterSet.decode(bytes[0..<end], vr: vr)
    }

    /// The values of a multi-valued string, split at backslashes, each trimmed of surrounding blanks
    /// except for LT, ST, UT and UR which hold one value.
    public func strings(characterSet: SpecificCharacterSet = .default) -> [String]? {
        guard let text = string(characterSet: characterSet) else { return nil }
        guard vr.allowsMultipleStringValues else { return [text] }
        if text.isEmpty { return [] }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map { part in
            var value = Substring(part)
            while value.first == " " { value.removeFirst() }
            while value.last == " " || value.last == "\0" { value.removeLast() }
            return String(value)
        }
    }

    /// The value as unsigned 16-bit numbers (US, OW, AT halves).
    public var uint16s: [UInt16]? { integers(of: UInt16.self) }
    /// The value as unsigned 32-bit numbers (UL, OL).
    public var uint32s: [UInt32]? { integers(of: UInt32.self) }
    /// The value as signed 16-bit numbers (SS).
    public var int16s: [Int16]? { integers(of: Int16.self) }
    /// The value as signed 32-bit numbers (SL).
    public var int32s: [Int32]? { integers(of: Int32.self) }
    /// The first value as an unsigned 16-bit number.
    public var uint16: UInt16? { uint16s?.first }
    /// The first value as an unsigned 32-bit number.
    public var uint32: UInt32? { uint32s?.first }

    /// The value as attribute tags (AT): pairs of 16-bit group, element numbers.
    public var attributeTags: [Tag]? {
        guard let halves = uint16s else { return nil }
        return stride(from: 0, to: halves.count - 1, by: 2).map { Tag(halves[$0], halves[$0 + 1]) }
    }

    /// Decodes whole little-endian integers; trailing bytes that do not fill one are ignored.
    func integers<T: FixedWidthInteger>(of type: T.Type) -> [T]? {
        guard let bytes else { return nil }
        let size = MemoryLayout<T>.size
        var values: [T] = []
        values.reserveCapacity(bytes.count / size)
        var offset = 0
        while offset + size <= bytes.count {
            var value: T = 0
            for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
            values.append(value)
            offset += size
        }
        return values
    }

    /// Creates a string element, joining values with backslashes and padding to even length
    /// (PS3.5 §6.2, §7.1.1). Returns `nil` if the character set cannot encode the text.
    public init?(tag: Tag, vr: VR, strings: [String], characterSet: SpecificCharacterSet = .default) {
        guard var bytes = characterSet.encode(strings.joined(separator: "\\"), vr: vr) else { return nil }
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        self.init(tag: tag, vr: vr, bytes: bytes)
    }

    /// Creates a single-valued string element, padded to even length.
    public init?(tag: Tag, vr: VR, string: String, characterSet: SpecificCharacterSet = .default) {
        self.init(tag: tag, vr: vr, strings: [string], characterSet: characterSet)
    }

    /// Creates a US element.
    public init(tag: Tag, uint16s: [UInt16]) {
        self.init(tag: tag, vr: .US, bytes: uint16s.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
    }

    /// Creates a UL element.
    public init(tag: Tag, uint32s: [UInt32]) {
        self.init(
            tag: tag, vr: .UL,
            bytes: uint32s.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
    }
}
