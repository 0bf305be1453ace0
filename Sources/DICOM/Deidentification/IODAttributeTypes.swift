/// The attribute types of PS3.3's IODs (PS3.5 §7.4) for the attributes the de-identifier may remove,
/// empty or replace, so that a compound action of PS3.15 Table E.1-1 resolves as the instance's own IOD
/// requires: a dummy for Type 1, an empty value for Type 2, removal for Type 3 (PS3.15 E.1.1, "X/Z/D").
///
/// The table (`IODAttributeTypes+Table.swift`) is generated from PS3.3 by `scripts/generate-iod-types.py`.
/// An attribute is named by its path: the sequence tags from the top level down to it. SR content trees
/// nest without limit, so repeated Content Sequence levels are folded into one, and a path below a content
/// item that the table does not list is looked up as the same path from the root content item (the
/// Document Content Macro is one definition for both, PS3.3 C.17.3).
public enum IODAttributeTypes {
    /// An attribute's type in an IOD (PS3.5 §7.4).
    public enum Kind: String, Sendable, Hashable {
        /// Required, with a value.
        case type1 = "1"
        /// Required with a value under a condition, otherwise absent.
        case type1C = "1C"
        /// Required, may be empty.
        case type2 = "2"
        /// Required, may be empty, under a condition, otherwise absent.
        case type2C = "2C"
        /// Optional.
        case type3 = "3"

        /// Whether a value must be present (Type 1 and, when present at all, 1C).
        public var needsValue: Bool { self == .type1 || self == .type1C }
        /// Whether the attribute must stay present, possibly empty (Type 2 and, when present, 2C).
        public var needsPresence: Bool { self == .type2 || self == .type2C }
    }

    /// The IOD of a SOP Class UID as an index into the table's exceptions; `nil` for an unknown class.
    public static func iod(ofSOPClass uid: String) -> Int? { iodOfSOPClass[uid] }

    /// The type of the attribute at `path` (sequence tags from the top level, then the attribute) in the
    /// IOD numbered `iod`; `nil` when no IOD of PS3.3 defines that path.
    ///
    /// For an IOD that does not define the path itself (or an unknown IOD), the type most IODs give it.
    public static func kind(of path: [Tag], iod: Int?) -> Kind? {
        let folded = folding(path)
        if let entry = entries[folded] { return entry.kind(for: iod) }
        // Below a nested content item, the root content item's definition applies.
        var trimmed = folded[...]
        while trimmed.first == contentSequence {
            trimmed = trimmed.dropFirst()
            if let entry = entries[Array(trimmed)] { return entry.kind(for: iod) }
        }
        return nil
    }

    static let contentSequence: UInt32 = 0x0040_A730

    /// Raw tags with runs of Content Sequence folded into one.
    static func folding(_ path: [Tag]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(path.count)
        for tag in path where !(tag.rawValue == contentSequence && out.last == contentSequence) {
            out.append(tag.rawValue)
        }
        return out
    }

    struct Entry: Sendable {
        var common: Kind
        var exceptions: [Int: Kind]

        func kind(for iod: Int?) -> Kind {
            guard let iod else { return common }
            return exceptions[iod] ?? common
        }
    }

    /// The table parsed once, on first use.
    static let entries: [[UInt32]: Entry] = {
        var entries: [[UInt32]: Entry] = [:]
        GeneratedTable.forEachLine(of: table) { fields in
            guard fields.count >= 2, let common = Kind(rawValue: GeneratedTable.string(fields[1])) else { return }
            let path = fields[0].split(separator: 0x2F).compactMap(GeneratedTable.hex)
            var exceptions: [Int: Kind] = [:]
            for field in fields.dropFirst(2) {
                guard let colon = field.firstIndex(of: 0x3A), let iod = GeneratedTable.decimal(field[..<colon]),
                    let kind = Kind(rawValue: GeneratedTable.string(field[(colon + 1)...]))
                else { continue }
                exceptions[iod] = kind
            }
            entries[path] = Entry(common: common, exceptions: exceptions)
        }
        return entries
    }()
}
