extension Deidentifier {
    /// What the de-identifier does beyond the Basic Profile: options, safe-lists, blanking rules.
    ///
    /// The default is the portal's profile for chest CT research (PS3.15 E.3): Basic Profile with Retain
    /// Longitudinal Temporal Information with Modified Dates, Retain Patient Characteristics and Clean
    /// Descriptors; device identity removed; no private element kept; no blanking rule.
    public struct Configuration: Sendable {
        /// The option columns of Table E.1-1 applied. Default: modified dates, patient characteristics,
        /// clean descriptors. `retainSafePrivate` is implied by a non-empty `safePrivateElements`.
        public var options: Set<ConfidentialityProfile.Option>

        /// Private elements kept (Retain Safe Private Option, PS3.15 E.3.10), by private creator and
        /// element. Default: none, so every private element is removed.
        public var safePrivateElements: Set<SafePrivateElement>

        /// Descriptor values known to hold no identity, kept by Clean Descriptors (PS3.15 E.3.5) when an
        /// attribute's whole value equals one of them (compared case-insensitively, blanks trimmed). Any
        /// other free text is removed. Default: none, so all free text goes.
        public var safeDescriptorValues: Set<String>

        /// Attributes that must stay present to keep common IODs conformant, resolving the compound
        /// actions X/Z, X/D, Z/D and X/Z/D of Table E.1-1 (Type 1 → D, Type 2 → Z, otherwise X).
        /// Default: `Self.conformanceAttributeTypes`.
        public var attributeTypes: [Tag: AttributeType]

        /// Rectangles to blank per manufacturer and model when an image has burned-in annotation.
        /// Default: none, so such images are refused.
        public var blankingRules: [BlankingRule]

        /// Creates a configuration.
        public init(
            options: Set<ConfidentialityProfile.Option> = [
                .retainLongitudinalModifiedDates, .retainPatientCharacteristics, .cleanDescriptors,
            ],
            safePrivateElements: Set<SafePrivateElement> = [],
            safeDescriptorValues: Set<String> = [],
            attributeTypes: [Tag: AttributeType] = Configuration.conformanceAttributeTypes,
            blankingRules: [BlankingRule] = []
        ) {
            self.options = options
            self.safePrivateElements = safePrivateElements
            self.safeDescriptorValues = safeDescriptorValues
            self.attributeTypes = attributeTypes
            self.blankingRules = blankingRules
        }

        /// The options in force, with Retain Safe Private added when a safe-list is configured.
        var effectiveOptions: Set<ConfidentialityProfile.Option> {
            var options = options
            if safePrivateElements.isEmpty {
                options.remove(.retainSafePrivate)
            } else {
                options.insert(.retainSafePrivate)
            }
            return options
        }

        /// Types of attributes with a compound action where a common IOD requires them (PS3.3): Content
        /// Date and Time (General Image, C.7.6.1), Contrast/Bolus Agent (C.7.6.4), Content Creator's Name
        /// (C.10.5), Operators' Name (RT Series, C.8.8.1) and Treatment Machine Name (RT Beams, C.8.8.14)
        /// are Type 2 there, so X/Z and Z/D leave them present and empty. An empty value identifies no one,
        /// so the map is shared by all IODs rather than kept per SOP Class.
        public static let conformanceAttributeTypes: [Tag: AttributeType] = [
            Tag(0x0008, 0x0023): .type2,  // Content Date
            Tag(0x0008, 0x0033): .type2,  // Content Time
            Tag(0x0008, 0x1070): .type2,  // Operators' Name
            Tag(0x0018, 0x0010): .type2,  // Contrast/Bolus Agent
            Tag(0x0070, 0x0084): .type2,  // Content Creator's Name
            Tag(0x300A, 0x00B2): .type2,  // Treatment Machine Name
        ]
    }

    /// Whether an IOD requires an attribute (PS3.5 §7.4).
    public enum AttributeType: Sendable, Hashable {
        /// Required with a value.
        case type1
        /// Required, may be empty.
        case type2
    }

    /// A private element that is safe to keep: its private creator and element number within the
    /// creator's block (PS3.5 §7.8.1; the low byte of the element, `xxyy` → `yy`).
    public struct SafePrivateElement: Sendable, Hashable {
        /// The private creator's value, e.g. `GEMS_PARM_01`.
        public var creator: String
        /// The odd group.
        public var group: UInt16
        /// The element within the block, 0x00...0xFF.
        public var element: UInt8

        /// Creates a safe-list entry.
        public init(creator: String, group: UInt16, element: UInt8) {
            self.creator = creator
            self.group = group
            self.element = element
        }
    }
}
