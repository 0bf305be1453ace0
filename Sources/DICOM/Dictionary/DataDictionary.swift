import Hashing

/// The standard data dictionary (PS3.6 Tables 6-1, 7-1, 8-1, 9-1): VR, VM and keyword of every public tag.
///
/// Needed to read implicit VR data sets, where the stream does not carry the VR (PS3.5 §7.1.3), and to
/// print keywords in listings. Generated from pydicom's copy of PS3.6 by `scripts/dicom-dictionary.py`
/// and parsed once, on first use.
public enum DataDictionary {
    /// One dictionary entry.
    public struct Entry: Sendable, Equatable {
        /// The VRs allowed, first one preferred (several for e.g. "US or SS", "OB or OW").
        public var vrs: [VR]
        /// Value multiplicity as written in PS3.6 ("1", "1-n", "2-2n"...).
        public var multiplicity: String
        /// The keyword, e.g. `PatientName`.
        public var keyword: String
        /// Whether PS3.6 lists the attribute as retired.
        public var isRetired: Bool

        /// The VR to use when a stream does not say: the first allowed one.
        public var vr: VR { vrs.first ?? .UN }
    }

    /// The entry for a tag: exact match first, then the repeating groups (50xx, 60xx, ...). Group length
    /// elements (gggg,0000) are UL; private creators (gggg,0010-00FF in odd groups) are LO (PS3.5 §7.8.1).
    public static func entry(for tag: Tag) -> Entry? {
        if let entry = tables.exact[tag.rawValue] { return entry }
        if tag.isGroupLength {
            return Entry(vrs: [.UL], multiplicity: "1", keyword: "GenericGroupLength", isRetired: true)
        }
        if tag.isPrivateCreator {
            return Entry(vrs: [.LO], multiplicity: "1", keyword: "PrivateCreator", isRetired: false)
        }
        if tag.isPrivate { return nil }
        for (mask, value, entry) in tables.repeating where tag.rawValue & mask == value { return entry }
        return nil
    }

    /// The tag with this keyword, if any.
    public static func tag(forKeyword keyword: String) -> Tag? {
        tables.byKeyword[keyword]
    }

    /// The date that goes with a time of day (TM) in the same data set: the DA whose keyword is the
    /// time's with `Time` read as `Date` (Study Time → Study Date, Time of Last Calibration → Date of
    /// Last Calibration). Built once.
    static let dateOfTime: [UInt32: Tag] = {
        var partners: [UInt32: Tag] = [:]
        for (raw, entry) in tables.exact where entry.vr == .TM {
            let keyword = entry.keyword.replacing("Time", with: "Date")
            if let date = tables.byKeyword[keyword], tables.exact[date.rawValue]?.vr == .DA { partners[raw] = date }
        }
        return partners
    }()

    private struct Tables: Sendable {
        var exact: [UInt32: Entry] = [:]
        var repeating: [(mask: UInt32, value: UInt32, entry: Entry)] = []
        var byKeyword: [String: Tag] = [:]
    }

    private static let tables: Tables = {
        var tables = Tables()
        GeneratedTable.forEachLine(of: table) { fields in
            guard fields.count >= 4 else { return }
            var vrs: [VR] = []
            for name in fields[1].split(separator: 0x2F) where name.count == 2 {
                vrs.append(VR(name[name.startIndex], name[name.startIndex + 1]))
            }
            let entry = Entry(
                vrs: vrs, multiplicity: GeneratedTable.string(fields[2]), keyword: GeneratedTable.string(fields[3]),
                isRetired: fields.count > 4)
            let key = fields[0]
            if key.contains(UInt8(ascii: "x")) {
                var mask: UInt32 = 0
                var value: UInt32 = 0
                for byte in key {
                    mask <<= 4
                    value <<= 4
                    if let digit = hexDigitValue(byte) {
                        mask |= 0xF
                        value |= UInt32(digit)
                    }
                }
                tables.repeating.append((mask, value, entry))
            } else if let raw = GeneratedTable.hex(key) {
                tables.exact[raw] = entry
                tables.byKeyword[entry.keyword] = Tag(rawValue: raw)
            }
        }
        return tables
    }()
}
