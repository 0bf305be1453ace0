extension Deidentifier {
    /// What the de-identifier does beyond the Basic Profile: options, safe-lists, blanking rules.
    ///
    /// The default is the portal's profile for chest CT research (PS3.15 E.3): Basic Profile with Retain
    /// Longitudinal Temporal Information with Modified Dates, Retain Patient Characteristics, Clean
    /// Descriptors, Clean Structured Content and Clean Graphics; device identity removed; no private
    /// element kept; no blanking rule.
    public struct Configuration: Sendable {
        /// The option columns of Table E.1-1 applied. Default: modified dates, patient characteristics,
        /// clean descriptors, clean structured content (SR and Key Object Selection trees keep their
        /// structure and references, their text cleaned) and clean graphics (presentation-state
        /// annotations keep their graphics, their text cleaned; overlays are removed under every option).
        /// `retainSafePrivate` is implied by a non-empty `safePrivateElements`.
        public var options: Set<ConfidentialityProfile.Option>

        /// Private elements kept (Retain Safe Private Option, PS3.15 E.3.10), by private creator and
        /// element. Default: none, so every private element is removed.
        public var safePrivateElements: Set<SafePrivateElement>

        /// Descriptor values known to hold no identity, kept by Clean Descriptors (PS3.15 E.3.5) as they
        /// are when an attribute's whole value equals one of them (compared case-insensitively, blanks
        /// trimmed). Default: none.
        public var safeDescriptorValues: Set<String>

        /// What Clean Descriptors does with the other descriptions. Default: `.cleaned`.
        public var descriptors: DescriptorHandling

        /// Types forced for attributes wherever they occur, over the types of the instance's IOD
        /// (`IODAttributeTypes`) that resolve the compound actions X/Z, X/D, Z/D and X/Z/D of Table E.1-1
        /// (Type 1 → D, Type 2 → Z, otherwise X). Default: none.
        public var attributeTypes: [Tag: AttributeType]

        /// Rectangles to blank per manufacturer and model when an image has burned-in annotation.
        /// Default: none, so such images are refused.
        public var blankingRules: [BlankingRule]

        /// Creates a configuration.
        public init(
            options: Set<ConfidentialityProfile.Option> = [
                .retainLongitudinalModifiedDates, .retainPatientCharacteristics, .cleanDescriptors,
                .cleanStructuredContent, .cleanGraphics,
            ],
            safePrivateElements: Set<SafePrivateElement> = [],
            safeDescriptorValues: Set<String> = [],
            descriptors: DescriptorHandling = .cleaned,
            attributeTypes: [Tag: AttributeType] = [:],
            blankingRules: [BlankingRule] = []
        ) {
            self.options = options
            self.safePrivateElements = safePrivateElements
            self.safeDescriptorValues = safeDescriptorValues
            self.descriptors = descriptors
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
    }

    /// What Clean Descriptors (PS3.15 E.3.5) does with a description that is not on the safe-list.
    public enum DescriptorHandling: Sendable, Hashable {
        /// Keep it once every identifying part is gone (`DescriptorCleaner`: names, removed IDs and
        /// values, dates, times, long digit runs); remove it when no word remains.
        case cleaned
        /// Remove it (apply the Basic Profile action).
        case removed
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
