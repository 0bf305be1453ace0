/// The Basic Application Level Confidentiality Profile and its options (PS3.15 Annex E, Table E.1-1).
///
/// The rows are generated data (`ConfidentialityProfileTable.swift`); this type gives them their meaning:
/// which action applies to an attribute once a set of options is chosen.
public enum ConfidentialityProfile {
    /// An action code of PS3.15 Table E.1-1.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Replace with a non-zero length value, a dummy consistent with the VR.
        case d = "D"
        /// Replace with a zero length value.
        case z = "Z"
        /// Remove.
        case x = "X"
        /// Keep (sequences are still cleaned inside).
        case k = "K"
        /// Clean: replace with values of similar meaning known not to identify.
        case c = "C"
        /// Replace with a non-zero length UID, consistent within a set of instances.
        case u = "U"
        /// Z unless D is required to keep the IOD conformant (Type 2 vs Type 1).
        case zOrD = "Z/D"
        /// X unless Z is required (Type 3 vs Type 2).
        case xOrZ = "X/Z"
        /// X unless D is required (Type 3 vs Type 1).
        case xOrD = "X/D"
        /// X unless Z or D is required (Type 3 vs Type 2 vs Type 1).
        case xOrZOrD = "X/Z/D"
        /// X unless Z or replacing the contained instance UIDs is required (sequences of references).
        case xOrZOrU = "X/Z/U*"
    }

    /// An option column of PS3.15 Table E.1-1, with its code from CID 7050 (De-identification Method).
    public enum Option: String, Sendable, Hashable, CaseIterable, Comparable {
        /// Keep private attributes known to be safe (PS3.15 E.3.10).
        case retainSafePrivate = "113111"
        /// Keep UIDs unchanged (PS3.15 E.3.9).
        case retainUIDs = "113110"
        /// Keep device identifiers such as serial numbers and station names (PS3.15 E.3.8).
        case retainDeviceIdentity = "113109"
        /// Keep institution names and addresses (PS3.15 E.3.11).
        case retainInstitutionIdentity = "113112"
        /// Keep sex, age, size, weight and similar (PS3.15 E.3.7).
        case retainPatientCharacteristics = "113108"
        /// Keep dates and times unchanged (PS3.15 E.3.6).
        case retainLongitudinalFullDates = "113106"
        /// Keep dates shifted so intervals survive (PS3.15 E.3.6).
        case retainLongitudinalModifiedDates = "113107"
        /// Keep descriptions only where cleaned of identity (PS3.15 E.3.5).
        case cleanDescriptors = "113105"
        /// Clean structured report content (PS3.15 E.3.3).
        case cleanStructuredContent = "113104"
        /// Clean graphics, overlays and curves (PS3.15 E.3.4).
        case cleanGraphics = "113103"

        /// The CID 7050 code value (coding scheme DCM).
        public var codeValue: String { rawValue }

        /// The CID 7050 code meaning.
        public var codeMeaning: String {
            switch self {
            case .retainSafePrivate: "Retain Safe Private Option"
            case .retainUIDs: "Retain UIDs Option"
            case .retainDeviceIdentity: "Retain Device Identity Option"
            case .retainInstitutionIdentity: "Retain Institution Identity Option"
            case .retainPatientCharacteristics: "Retain Patient Characteristics Option"
            case .retainLongitudinalFullDates: "Retain Longitudinal Temporal Information Full Dates Option"
            case .retainLongitudinalModifiedDates:
                "Retain Longitudinal Temporal Information Modified Dates Option"
            case .cleanDescriptors: "Clean Descriptors Option"
            case .cleanStructuredContent: "Clean Structured Content Option"
            case .cleanGraphics: "Clean Graphics Option"
            }
        }

        public static func < (lhs: Option, rhs: Option) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// CID 7050 code of the Basic Application Confidentiality Profile itself.
    public static let basicProfileCode = (value: "113100", meaning: "Basic Application Confidentiality Profile")
    /// CID 7050 code recorded when burned-in annotation was blanked out of the pixel data.
    public static let cleanPixelDataCode = (value: "113101", meaning: "Clean Pixel Data Option")

    /// Which attributes a row covers.
    public enum TagPattern: Sendable, Hashable {
        /// One attribute, `gggg,eeee` as a 32-bit number.
        case tag(UInt32)
        /// Repeating groups such as `50xx,xxxx` or `60xx,3000`: `group & mask == value`, and the element
        /// equal to `element` when it is not nil.
        case groupMask(UInt16, value: UInt16, element: UInt16?)
        /// Every element of an odd group (private creators included).
        case privateAttributes

        /// Whether the pattern covers `tag` (`gggg,eeee` as a 32-bit number).
        public func matches(_ tag: UInt32) -> Bool {
            let group = UInt16(truncatingIfNeeded: tag >> 16)
            let element = UInt16(truncatingIfNeeded: tag)
            switch self {
            case .tag(let value): return value == tag
            case .groupMask(let mask, let value, let only):
                return group & mask == value && (only.map { $0 == element } ?? true)
            case .privateAttributes: return group & 1 == 1
            }
        }
    }

    /// One row of Table E.1-1.
    public struct Row: Sendable, Hashable {
        /// The attribute or attributes covered.
        public let pattern: TagPattern
        /// The data dictionary keyword (derived from the name for rows the dictionary lacks).
        public let keyword: String
        /// The attribute name as the standard prints it.
        public let name: String
        /// The VR from the data dictionary; nil for patterns.
        public let vr: String?
        /// The Basic Profile action.
        public let basic: Action
        /// The action of each option column that has one.
        public let options: [Option: Action]

        /// Creates a row (used by the generated table).
        public init(
            _ pattern: TagPattern, _ keyword: String, _ name: String, vr: String?, basic: Action,
            options: [Option: Action]
        ) {
            self.pattern = pattern
            self.keyword = keyword
            self.name = name
            self.vr = vr
            self.basic = basic
            self.options = options
        }

        /// The action once `selected` options apply: K of any selected option wins over C, and either
        /// wins over the Basic Profile action (PS3.15 E.3).
        public func action(with selected: Set<Option>) -> Action {
            var result = basic
            for (option, action) in options where selected.contains(option) {
                if action == .k { return .k }
                if action == .c { result = .c }
            }
            return result
        }
    }

    /// The rows indexed by exact tag, built once.
    static let rowsByTag: [UInt32: Row] = {
        var index = [UInt32: Row](minimumCapacity: rows.count)
        for row in rows {
            if case .tag(let tag) = row.pattern { index[tag] = row }
        }
        return index
    }()

    /// The rows with a group pattern (curves, overlays), checked when no exact row matches.
    static let patternRows: [Row] = rows.filter {
        if case .groupMask = $0.pattern { return true }
        return false
    }

    /// The row for private attributes.
    static let privateRow: Row? = rows.first { $0.pattern == .privateAttributes }

    /// The row covering `tag`, if any: exact rows first, then group patterns, then the private row.
    /// - Parameter tag: `gggg,eeee` as a 32-bit number.
    public static func row(for tag: UInt32) -> Row? {
        if let row = rowsByTag[tag] { return row }
        if tag >> 16 & 1 == 1 { return privateRow }
        return patternRows.first { $0.pattern.matches(tag) }
    }
}
