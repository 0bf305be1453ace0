import Hashing

/// A JSON rendering of a file's elements that `scripts/dicom-compare.py` compares with pydicom's reading.
///
/// Format: `{"transferSyntax": UID, "meta": [E], "elements": [E]}` where each E is
/// `{"tag": "ggggeeee", "vr": "XX", "value": V, "text": T, "items": [[E]]}`; V is the little-endian value in
/// hex when 64 bytes or shorter, else `sha256:<hex>:<length>`; encapsulated pixel data is re-encoded as its
/// item stream (item headers and fragments, no sequence delimiter), as pydicom keeps it; T is the decoded
/// text for VRs in the Specific Character Set (omitted when that character set is unsupported).
public enum ComparisonDump {
    /// Renders a file.
    public static func json(of file: DICOMFile) -> String {
        var text = "{\"transferSyntax\":\"\(file.header.transferSyntax.uid)\",\"meta\":"
        text += elements(file.header.meta, characterSet: .default)
        text += ",\"elements\":"
        text += elements(file.dataSet, characterSet: SpecificCharacterSet(element: file.dataSet[.specificCharacterSet]))
        return text + "}"
    }

    static func elements(_ dataSet: DataSet, characterSet: SpecificCharacterSet) -> String {
        var parts: [String] = []
        for element in dataSet {
            var part = "{\"tag\":\"\(element.tag.hexString)\",\"vr\":\"\(element.vr)\""
            switch element.value {
            case .bytes(let bytes):
                part += ",\"value\":\"\(digest(bytes[...]))\""
                if element.vr.usesSpecificCharacterSet && characterSet.isSupported {
                    part += ",\"text\":" + quoted(characterSet.decode(bytes, vr: element.vr))
                }
            case .sequence(let items):
                let nested = items.map { item in
                    let itemSet = item[.specificCharacterSet].map { SpecificCharacterSet(element: $0) } ?? characterSet
                    return elements(item, characterSet: itemSet)
                }
                part += ",\"items\":[" + nested.joined(separator: ",") + "]"
            case .encapsulated(let pixels):
                var stream: [UInt8] = []
                for fragment in [pixels.basicOffsetTable] + pixels.fragments {
                    ElementEncoder.appendDelimiter(.item, length: UInt32(truncatingIfNeeded: fragment.count), to: &stream)
                    stream.append(contentsOf: fragment)
                }
                part += ",\"value\":\"\(digest(stream[...]))\""
            case .bulk:
                part += ",\"value\":\"bulk\""
            }
            parts.append(part + "}")
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    static func digest(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.count <= 64 { return hexString(bytes) }
        var hash = SHA256()
        hash.update(bytes)
        return "sha256:\(hexString(hash.finalize())):\(bytes.count)"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                let code = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - code.count) + code
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
