/// Encodes elements as explicit VR little endian (PS3.5 §7.1.2, §7.5, §A.2, §A.4) into a byte buffer.
///
/// Values are padded to even length (PS3.5 §7.1.1); sequences and items are written with undefined length
/// and delimiters, which needs no look-ahead; encapsulated pixel data keeps its fragments byte for byte.
enum ElementEncoder {
    /// The VR to write for an element: an unknown or malformed VR becomes the dictionary's VR for the tag
    /// (as the reader does for UN) or else UN, and a value too long for a 16-bit length becomes OW (US, SS)
    /// or UN (PS3.5 §6.2.2 note).
    static func outputVR(_ vr: VR, tag: Tag, length: Int) -> VR {
        guard vr.isKnown else {
            if let entry = DataDictionary.entry(for: tag), entry.vrs.count == 1, entry.vr != .SQ, entry.vr != .UN,
                entry.vr.hasLongLength || length <= 0xFFFE
            {
                return entry.vr
            }
            return .UN
        }
        if !vr.hasLongLength && length > 0xFFFE {
            return vr == .US || vr == .SS ? .OW : .UN
        }
        return vr
    }

    static func appendUInt16(_ value: UInt16, to output: inout [UInt8]) {
        output.append(UInt8(truncatingIfNeeded: value))
        output.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func appendUInt32(_ value: UInt32, to output: inout [UInt8]) {
        appendUInt16(UInt16(truncatingIfNeeded: value), to: &output)
        appendUInt16(UInt16(truncatingIfNeeded: value >> 16), to: &output)
    }

    static func appendTag(_ tag: Tag, to output: inout [UInt8]) {
        appendUInt16(tag.group, to: &output)
        appendUInt16(tag.element, to: &output)
    }

    /// Appends an explicit VR header; `length` is `ElementHeader.undefinedLength` for undefined.
    static func appendHeader(tag: Tag, vr: VR, length: UInt32, to output: inout [UInt8]) {
        appendTag(tag, to: &output)
        let (a, b) = vr.bytes
        output.append(a)
        output.append(b)
        if vr.hasLongLength {
            appendUInt16(0, to: &output)
            appendUInt32(length, to: &output)
        } else {
            appendUInt16(UInt16(truncatingIfNeeded: length), to: &output)
        }
    }

    /// Appends an item or delimiter header (no VR).
    static func appendDelimiter(_ tag: Tag, length: UInt32, to output: inout [UInt8]) {
        appendTag(tag, to: &output)
        appendUInt32(length, to: &output)
    }

    /// Appends one whole element.
    /// - Throws: `DICOMError` for a value that cannot be encoded (over 2³²−2 bytes, or a bulk placeholder).
    static func append(_ element: Element, to output: inout [UInt8]) throws {
        switch element.value {
        case .bytes(let bytes):
            guard bytes.count < Int(UInt32.max) - 1 else {
                throw DICOMError(.limitExceeded, tag: element.tag, "value too long for a 32-bit length")
            }
            let padded = bytes.count + bytes.count % 2
            let vr = outputVR(element.vr, tag: element.tag, length: padded)
            appendHeader(tag: element.tag, vr: vr, length: UInt32(padded), to: &output)
            output.append(contentsOf: bytes)
            if bytes.count % 2 == 1 { output.append(element.vr.paddingByte) }
        case .sequence(let items):
            appendHeader(tag: element.tag, vr: .SQ, length: ElementHeader.undefinedLength, to: &output)
            for item in items {
                appendDelimiter(.item, length: ElementHeader.undefinedLength, to: &output)
                for nested in item { try append(nested, to: &output) }
                appendDelimiter(.itemDelimitationItem, length: 0, to: &output)
            }
            appendDelimiter(.sequenceDelimitationItem, length: 0, to: &output)
        case .encapsulated(let pixels):
            // PS3.5 §A.4: encapsulated Pixel Data is OB.
            appendHeader(tag: element.tag, vr: .OB, length: ElementHeader.undefinedLength, to: &output)
            for fragment in [pixels.basicOffsetTable] + pixels.fragments {
                appendDelimiter(.item, length: UInt32(truncatingIfNeeded: fragment.count), to: &output)
                output.append(contentsOf: fragment)
            }
            appendDelimiter(.sequenceDelimitationItem, length: 0, to: &output)
        case .bulk:
            throw DICOMError(.invalidUse, tag: element.tag, "a bulk placeholder has no bytes to write")
        }
    }
}
