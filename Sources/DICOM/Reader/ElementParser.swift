/// Parses complete data elements, sequences and items out of a buffer (PS3.5 §7).
///
/// Every read is bounds-checked against the end of the enclosing structure. Running past the end of the
/// buffer throws `NeedMoreInput` while more input may come (the streaming reader then waits and retries),
/// and a `DICOMError` with the byte offset, tag and reason otherwise. Values come out little endian.
struct ElementParser {
    /// The bytes available.
    let data: ArraySlice<UInt8>
    /// Stream offset of `data.startIndex`, for error messages.
    let baseOffset: Int
    /// Whether the buffer holds all the input there will ever be.
    let isFinal: Bool
    /// Limits in force.
    let configuration: StreamReader.Configuration
    /// Elements parsed so far in this stream, nested ones included.
    var elementCount: Int

    func offset(_ index: Int) -> Int { baseOffset + (index - data.startIndex) }

    /// Ensures `count` bytes from `index` lie before `limit`.
    func require(_ index: Int, _ count: Int, limit: Int, tag: Tag?) throws {
        if count <= limit - index { return }
        if limit < data.endIndex || isFinal {
            let what = limit < data.endIndex ? "runs past the end of its enclosing item or value" : "stream ends"
            throw DICOMError(.truncated, offset: offset(index), tag: tag, "\(what): \(count) bytes needed")
        }
        throw NeedMoreInput()
    }

    func uint16(_ index: Int, bigEndian: Bool) -> UInt16 {
        let a = UInt16(data[index])
        let b = UInt16(data[index + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func uint32(_ index: Int, bigEndian: Bool) -> UInt32 {
        let a = UInt32(uint16(index, bigEndian: bigEndian))
        let b = UInt32(uint16(index + 2, bigEndian: bigEndian))
        return bigEndian ? a << 16 | b : b << 16 | a
    }

    /// Reads a tag without consuming it.
    func peekTag(_ index: Int, syntax: Syntax, limit: Int) throws -> Tag {
        try require(index, 4, limit: limit, tag: nil)
        return Tag(uint16(index, bigEndian: syntax.isBigEndian), uint16(index + 2, bigEndian: syntax.isBigEndian))
    }

    /// Reads an element header (PS3.5 §7.1.2 explicit, §7.1.3 implicit, §7.5 delimiters).
    func header(_ index: Int, syntax: Syntax, limit: Int) throws -> ElementHeader {
        let tag = try peekTag(index, syntax: syntax, limit: limit)
        let big = syntax.isBigEndian
        if tag.isDelimiter {
            try require(index, 8, limit: limit, tag: tag)
            return ElementHeader(tag: tag, vr: nil, length: uint32(index + 4, bigEndian: big), size: 8)
        }
        guard syntax.isExplicitVR else {
            try require(index, 8, limit: limit, tag: tag)
            return ElementHeader(
                tag: tag, vr: Self.implicitVR(for: tag), length: uint32(index + 4, bigEndian: big), size: 8)
        }
        try require(index, 8, limit: limit, tag: tag)
        let vr = VR(data[index + 4], data[index + 5])
        if vr.hasLongLength {
            try require(index, 12, limit: limit, tag: tag)
            return ElementHeader(tag: tag, vr: vr, length: uint32(index + 8, bigEndian: big), size: 12)
        }
        return ElementHeader(tag: tag, vr: vr, length: UInt32(uint16(index + 6, bigEndian: big)), size: 8)
    }

    /// The VR of an element in an implicit VR stream: the dictionary's (PS3.5 §A.1), OW for "OB or OW"
    /// (PS3.5 §A.1 c), US for "US or SS"; UN for private and unknown tags.
    static func implicitVR(for tag: Tag) -> VR {
        guard let entry = DataDictionary.entry(for: tag) else { return .UN }
        if entry.vrs.count > 1 {
            if entry.vrs.contains(.OB) && entry.vrs.contains(.OW) { return .OW }
            if entry.vrs.contains(.US) { return .US }
        }
        return entry.vr
    }

    /// Decides whether a data set whose syntax says one thing is encoded the other way, by looking at the
    /// first element's VR bytes, as pydicom and dcmtk do for mislabelled files.
    func sniff(_ index: Int, syntax: Syntax, limit: Int) -> Syntax {
        guard limit - index >= 6 else { return syntax }
        let tag = Tag(uint16(index, bigEndian: syntax.isBigEndian), uint16(index + 2, bigEndian: syntax.isBigEndian))
        if tag.isDelimiter { return syntax }
        let vr = VR(data[index + 4], data[index + 5])
        var result = syntax
        if syntax.isExplicitVR && !vr.isWellFormed {
            result.isExplicitVR = false
        } else if !syntax.isExplicitVR && vr.isKnown {
            result.isExplicitVR = true
        }
        return result
    }

    mutating func countElement(_ index: Int, tag: Tag) throws {
        elementCount += 1
        if elementCount > configuration.maximumElementCount {
            throw DICOMError(
                .limitExceeded, offset: offset(index), tag: tag,
                "more than \(configuration.maximumElementCount) elements")
        }
    }

    /// Parses one whole element whose header starts at `index`; returns it and the index after it.
    mutating func element(
        _ index: Int, header: ElementHeader, syntax: Syntax, depth: Int, limit: Int
    ) throws -> (Element, Int) {
        let tag = header.tag
        guard let encodedVR = header.vr else {
            throw DICOMError(.malformed, offset: offset(index), tag: tag, "delimiter where an element was expected")
        }
        // A VR PS3.5 does not define is read as UN (its length was read as 32-bit, as dcmtk does).
        let vr = encodedVR.isKnown ? encodedVR : .UN
        try countElement(index, tag: tag)
        let start = index + header.size
        if header.hasUndefinedLength {
            if vr == .SQ || vr == .UN {
                // PS3.5 §6.2.2: a UN value of undefined length is an implicit VR little endian sequence.
                let itemSyntax = vr == .UN && syntax.isExplicitVR ? Syntax.implicitLittle : syntax
                let (items, end) = try items(start, end: nil, syntax: itemSyntax, depth: depth + 1, limit: limit, tag: tag)
                return (Element(tag: tag, items: items), end)
            }
            let (pixels, end) = try encapsulated(start, syntax: syntax, limit: limit, tag: tag)
            return (Element(tag: tag, vr: vr, value: .encapsulated(pixels)), end)
        }
        let length = Int(header.length)
        if length > configuration.maximumElementLength {
            throw DICOMError(
                .limitExceeded, offset: offset(index), tag: tag,
                "value of \(length) bytes exceeds the \(configuration.maximumElementLength)-byte limit")
        }
        try require(start, length, limit: limit, tag: tag)
        let end = start + length
        if vr == .SQ {
            let (items, _) = try items(start, end: end, syntax: syntax, depth: depth + 1, limit: end, tag: tag)
            return (Element(tag: tag, items: items), end)
        }
        if vr == .UN, let known = DataDictionary.entry(for: tag), known.vrs.count == 1 {
            if known.vr == .SQ {
                // A sequence sent as UN (PS3.5 §6.2.2): parse it if it is one, else keep the bytes.
                var nested = self
                if let (items, _) = try? nested.items(
                    start, end: end, syntax: .implicitLittle, depth: depth + 1, limit: end, tag: tag)
                {
                    elementCount = nested.elementCount
                    return (Element(tag: tag, items: items), end)
                }
            } else if known.vr != .UN && (known.vr.hasLongLength || length <= 0xFFFF) {
                // pydicom and dcmtk restore the dictionary VR of a standard element sent as UN.
                return (Element(tag: tag, vr: known.vr, bytes: value(start, end, vr: known.vr, syntax: syntax)), end)
            }
        }
        return (Element(tag: tag, vr: vr, bytes: value(start, end, vr: vr, syntax: syntax)), end)
    }

    func value(_ start: Int, _ end: Int, vr: VR, syntax: Syntax) -> [UInt8] {
        syntax.isBigEndian ? data[start..<end].swappingBytes(unit: vr.byteSwapUnit) : Array(data[start..<end])
    }
}
