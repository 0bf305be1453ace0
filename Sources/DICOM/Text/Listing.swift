import Hashing

/// A readable listing of a file, in the manner of dcmtk's `dcmdump`: one line per element with tag, VR,
/// value (text decoded in the Specific Character Set, numbers as numbers, long binary values summarised),
/// length and keyword; sequence items indented.
public enum Listing {
    /// Lists a file's meta group and data set.
    public static func text(of file: DICOMFile) -> String {
        // The meta group is always explicit VR little endian (PS3.10 §7.1).
        var lines = ["# Dicom-File-Format", "", "# Dicom-Meta-Information-Header",
                     "# Used TransferSyntax: \(TransferSyntax.explicitVRLittleEndian.name)"]
        append(file.header.meta, depth: 0, characterSet: .default, to: &lines)
        lines += ["", "# Dicom-Data-Set", "# Used TransferSyntax: \(file.header.transferSyntax.name)"]
        append(file.dataSet, depth: 0, characterSet: SpecificCharacterSet(element: file.dataSet[.specificCharacterSet]), to: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func append(_ dataSet: DataSet, depth: Int, characterSet: SpecificCharacterSet, to lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        for element in dataSet {
            let keyword = DataDictionary.entry(for: element.tag)?.keyword ?? (element.tag.isPrivate ? "PrivateTag" : "Unknown Tag & Data")
            switch element.value {
            case .sequence(let items):
                lines.append("\(indent)\(element.tag) SQ (Sequence with \(items.count) item(s))  # \(keyword)")
                for item in items {
                    lines.append("\(indent)  (fffe,e000) na (Item with \(item.count) element(s))")
                    let itemSet = item[.specificCharacterSet].map { SpecificCharacterSet(element: $0) } ?? characterSet
                    append(item, depth: depth + 2, characterSet: itemSet, to: &lines)
                    lines.append("\(indent)  (fffe,e00d) na (ItemDelimitationItem)")
                }
                lines.append("\(indent)(fffe,e0dd) na (SequenceDelimitationItem)")
            case .encapsulated(let pixels):
                lines.append("\(indent)\(element.tag) OB (PixelSequence #=\(pixels.fragments.count + 1))  # u/l, \(keyword)")
                lines.append("\(indent)  (fffe,e000) pi (offset table, \(pixels.basicOffsetTable.count) bytes)")
                for fragment in pixels.fragments {
                    lines.append("\(indent)  (fffe,e000) pi (fragment, \(fragment.count) bytes)")
                }
            case .bulk(let bulk):
                lines.append("\(indent)\(element.tag) \(element.vr) (not loaded)  # \(bulk.length.map(String.init) ?? "u/l"), \(keyword)")
            case .bytes(let bytes):
                let value = describe(element, characterSet: characterSet)
                lines.append("\(indent)\(element.tag) \(element.vr) \(value)  # \(bytes.count), \(keyword)")
            }
        }
    }

    static func describe(_ element: Element, characterSet: SpecificCharacterSet) -> String {
        guard let bytes = element.bytes else { return "" }
        if bytes.isEmpty { return "(no value available)" }
        if element.vr.isString {
            // Control characters (ISO 2022 escapes, stray bytes) must not reach the terminal as they are.
            var text = String.UnicodeScalarView()
            for scalar in (element.string(characterSet: characterSet) ?? "").unicodeScalars {
                text.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "." : scalar)
            }
            let shown = String(text)
            return "[" + (shown.count > 64 ? String(shown.prefix(64)) + "..." : shown) + "]"
        }
        let numbers: [String]
        switch element.vr {
        case .US: numbers = element.uint16s?.map { String($0) } ?? []
        case .SS: numbers = element.int16s?.map { String($0) } ?? []
        case .UL: numbers = element.uint32s?.map { String($0) } ?? []
        case .SL: numbers = element.int32s?.map { String($0) } ?? []
        case .FL: numbers = element.uint32s?.map { String(Float(bitPattern: $0)) } ?? []
        case .FD: numbers = element.integers(of: UInt64.self)?.map { String(Double(bitPattern: $0)) } ?? []
        case .AT: numbers = element.attributeTags?.map { $0.description } ?? []
        default:
            let shown = bytes.prefix(16).map { hexString(CollectionOfOne($0)) }.joined(separator: "\\")
            return shown + (bytes.count > 16 ? "..." : "")
        }
        let shown = numbers.prefix(16).joined(separator: "\\")
        return shown + (numbers.count > 16 ? "..." : "")
    }
}
