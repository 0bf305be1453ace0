/// The actions of PS3.15 Table E.1-1 applied to elements, recursively through sequences.
extension Deidentifier {
    typealias Action = ConfidentialityProfile.Action

    /// Where an element sits.
    struct Scope: Sendable {
        /// The sequence tags above the element, from the top level: the key of its type in the IOD.
        var path: [Tag] = []
        /// Whether the element lies inside a sequence the profile cleans (C) or replaces (D), where text
        /// that Table E.1-1 does not list is cleaned too: a D sequence keeps its structure (so the IOD's
        /// required attributes survive) and nothing identifying.
        var isCleaning = false

        func entering(_ tag: Tag, cleaning: Bool) -> Scope {
            Scope(path: path + [tag], isCleaning: isCleaning || cleaning)
        }
    }

    /// The data set with every element handled by its row of Table E.1-1, private elements removed
    /// unless safe-listed, group lengths dropped (they are retired and the writer recomputes them).
    func clean(_ dataSet: DataSet, _ context: Context, _ scope: Scope = Scope()) -> DataSet {
        let carries = dateCarries(in: dataSet, context)
        var out = DataSet()
        var keptCreators: [Tag] = []
        for element in dataSet {
            let tag = element.tag
            if tag.isGroupLength { continue }
            if tag.isPrivate {
                guard let creatorTag = tag.privateCreatorTag, isSafePrivate(element, creatorTag, in: dataSet) else {
                    continue  // private creators are added back below when one of their elements stays
                }
                if !keptCreators.contains(creatorTag) { keptCreators.append(creatorTag) }
                if let kept = recursed(element, context, scope, cleaning: false) { out.set(kept) }
                continue
            }
            if let cleaned = clean(element, context, scope, carry: carries[tag]) { out.set(cleaned) }
        }
        for tag in keptCreators {
            if let creator = dataSet[tag] { out.set(creator) }
        }
        settleConditions(&out, original: dataSet)
        return out
    }

    /// One public element handled by its row; `nil` when it is removed.
    /// - Parameter carry: For a date with its time in the same data set, the days the time carried past
    ///   midnight (see `DateShifter`).
    func clean(_ element: Element, _ context: Context, _ scope: Scope, carry: Int? = nil) -> Element? {
        let tag = element.tag
        // Overlays (60xx) can hold burned-in text in their bitmaps, which nothing here can clean; a plane
        // cannot survive without its Overlay Data, so the whole repeating group goes, under every option.
        if tag.group & 0xFF00 == 0x6000 { return nil }
        guard let row = ConfidentialityProfile.row(for: tag.rawValue) else {
            return unlisted(element, context, scope, carry: carry)
        }
        var action = row.action(with: options)
        // A 2026 row without its option columns: Clean Graphics cleans the text of graphic annotations.
        if tag == Self.unformattedTextValue, options.contains(.cleanGraphics) { action = .c }
        return apply(action, row, element, context, scope, carry: carry)
    }

    static let unformattedTextValue = Tag(0x0070, 0x0006)

    func apply(
        _ action: Action, _ row: ConfidentialityProfile.Row, _ element: Element, _ context: Context, _ scope: Scope,
        carry: Int? = nil
    ) -> Element? {
        switch action {
        case .k: return recursed(element, context, scope, cleaning: false)
        case .x: return nil
        case .z: return emptied(element)
        case .d:
            // A dummy sequence keeps its items' structure with every value inside cleaned: required
            // attributes of the items (Verifying Observer Name, Relationship Type…) stay valid.
            if element.items != nil { return recursed(element, context, scope, cleaning: true) }
            return dummy(for: element, row, context)
        case .u: return replacingUIDs(element, row, context, scope)
        case .c: return cleaned(element, row, context, scope, carry: carry)
        case .zOrD, .xOrZ, .xOrD, .xOrZOrD:
            return apply(resolved(action, element.tag, context, scope), row, element, context, scope, carry: carry)
        case .xOrZOrU:
            // Sequences of references keep their items with the UIDs inside replaced, so references
            // between de-identified instances stay intact.
            if element.items != nil { return recursed(element, context, scope, cleaning: false) }
            if vr(of: element, row) == .UI { return replacingUIDs(element, row, context, scope) }
            return apply(resolved(.xOrZOrD, element.tag, context, scope), row, element, context, scope)
        }
    }

    /// A compound action resolved by the attribute's type in the instance's IOD (PS3.15 E.1.1): Type 1
    /// (or 1C, present so its condition held) → D, Type 2 (or 2C) → Z, otherwise X.
    func resolved(_ action: Action, _ tag: Tag, _ context: Context, _ scope: Scope) -> Action {
        let kind: IODAttributeTypes.Kind?
        if let override = configuration.attributeTypes[tag] {
            kind = override == .type1 ? .type1 : .type2
        } else {
            kind = IODAttributeTypes.kind(of: scope.path + [tag], iod: context.iod)
        }
        let needsValue = kind?.needsValue ?? false
        let needsPresence = kind?.needsPresence ?? false
        switch action {
        case .zOrD: return needsValue ? .d : .z
        case .xOrZ, .xOrD, .xOrZOrD: return needsValue ? .d : needsPresence ? .z : .x
        default: return action
        }
    }

    /// An attribute Table E.1-1 does not list: sequences are cleaned inside; under Modified Dates every
    /// date and time moves (a real date left beside shifted ones would give the offset away); inside a
    /// cleaned sequence, names become dummies and free text is cleaned.
    func unlisted(_ element: Element, _ context: Context, _ scope: Scope, carry: Int?) -> Element? {
        if element.items != nil { return recursed(element, context, scope, cleaning: false) }
        let vr = element.interpretedVR
        if vr == .DA || vr == .DT || vr == .TM {
            guard options.contains(.retainLongitudinalModifiedDates) else { return element }
            return shifted(element, vr, context, carry: carry) ?? (scope.isCleaning ? emptied(element) : nil)
        }
        // Code items are judged whole by `checkedCodes`, which knows each scheme's form.
        guard scope.isCleaning, !Self.codeMacroTags.contains(element.tag.rawValue) else { return element }
        switch vr {
        case .PN: return Element(tag: element.tag, vr: .PN, bytes: Self.padded(Self.dummyText + "^", .PN))
        case .LO, .SH, .ST, .LT, .UT, .UC: return cleanedText(element, vr, context) ?? emptied(element)
        default: return element
        }
    }

    /// The attributes of the Code Sequence Macro (PS3.3 Table 8.8-1), Code Value to Mapping Resource Name.
    static let codeMacroTags: ClosedRange<UInt32> = 0x0008_0100...0x0008_0122

    /// C: dates and times shifted (Modified Dates), descriptions cleaned of identifying parts (Clean
    /// Descriptors), sequences cleaned inside; anything else falls back to the Basic Profile action.
    func cleaned(
        _ element: Element, _ row: ConfidentialityProfile.Row, _ context: Context, _ scope: Scope, carry: Int?
    ) -> Element? {
        let vr = vr(of: element, row)
        let fallback = { () -> Element? in
            let basic = row.basic == .c || row.basic == .k ? Action.x : row.basic
            return self.apply(basic, row, element, context, scope)
        }
        if element.items != nil { return recursed(element, context, scope, cleaning: true) }
        if vr == .DA || vr == .DT || vr == .TM {
            guard options.contains(.retainLongitudinalModifiedDates) else { return fallback() }
            return shifted(element, vr, context, carry: carry) ?? fallback()
        }
        guard vr.isString else { return fallback() }
        if !configuration.safeDescriptorValues.isEmpty,
            let text = element.string(characterSet: context.characterSet)?.trimmingBlanks.uppercased(),
            configuration.safeDescriptorValues.contains(where: { $0.trimmingBlanks.uppercased() == text })
        {
            return element
        }
        guard configuration.descriptors == .cleaned, vr.usesSpecificCharacterSet || vr == .UR else { return fallback() }
        return cleanedText(element, vr, context) ?? fallback()
    }

    /// Free text without its identifying parts, in the instance's character set; the element itself when
    /// nothing had to go; `nil` when nothing worth keeping remains.
    func cleanedText(_ element: Element, _ vr: VR, _ context: Context) -> Element? {
        guard let text = element.string(characterSet: context.characterSet) else { return nil }
        guard let cleaned = context.descriptors.clean(text) else { return nil }
        if cleaned == text { return element }
        var copy = Element(tag: element.tag, vr: vr, string: cleaned, characterSet: context.characterSet)
        if copy == nil { copy = Element(tag: element.tag, vr: vr, string: cleaned, characterSet: .utf8) }
        return copy
    }

    /// A DA, DT or TM value moved by the patient's offset; `nil` when it cannot be read as one.
    func shifted(_ element: Element, _ vr: VR, _ context: Context, carry: Int?) -> Element? {
        guard let bytes = element.bytes else { return nil }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0 }) { return Element(tag: element.tag, vr: vr, bytes: bytes) }
        if vr == .DA, let shifted = context.dates.shiftedPlainDA(bytes, carry: carry) {
            return Element(tag: element.tag, vr: vr, bytes: shifted)
        }
        if vr == .TM, let shifted = context.dates.shiftedPlainTM(bytes) {
            return Element(tag: element.tag, vr: vr, bytes: shifted.bytes.count % 2 == 1 ? shifted.bytes + [0x20] : shifted.bytes)
        }
        guard let text = element.string() else { return nil }
        let shifted: String?
        switch vr {
        case .DA: shifted = context.dates.shiftedDA(text, carry: carry)
        case .DT: shifted = context.dates.shiftedDT(text)
        default: shifted = context.dates.shiftedTM(text)?.text
        }
        guard let shifted else { return nil }
        return Element(tag: element.tag, vr: vr, bytes: Self.padded(shifted, vr))
    }

    /// The dates of a data set that go with a time, and the days each takes from its time passing
    /// midnight (0 or 1): Study Date with Study Time, Acquisition Date with Acquisition Time…, paired by
    /// keyword (`…Time`, `TimeOf…` with `…Date`, `DateOf…`) in the same data set or item.
    func dateCarries(in dataSet: DataSet, _ context: Context) -> [Tag: Int] {
        guard options.contains(.retainLongitudinalModifiedDates) else { return [:] }
        var carries: [Tag: Int] = [:]
        for element in dataSet where element.vr == .TM || element.vr == .UN {
            guard let dateTag = DataDictionary.dateOfTime[element.tag.rawValue], dataSet.contains(dateTag),
                let bytes = element.bytes,
                let carry = context.dates.shiftedPlainTM(bytes)?.carry ?? element.string().flatMap({ context.dates.shiftedTM($0)?.carry })
            else { continue }
            carries[dateTag] = carry
        }
        return carries
    }

    /// K for sequences: the items are cleaned by the same rules, one level down; then code items are
    /// checked (see `checkedCodes`). Other values are kept as they are.
    func recursed(_ element: Element, _ context: Context, _ scope: Scope, cleaning: Bool) -> Element? {
        guard let items = element.items else { return element }
        let inner = scope.entering(element.tag, cleaning: cleaning)
        var copy = element
        copy.value = .sequence(items.map { clean($0, context, inner) })
        return element.tag.isPrivate ? copy : checkedCodes(copy, context, inner)
    }

    /// Z: a zero-length value (a sequence without items).
    func emptied(_ element: Element) -> Element {
        if element.items != nil || element.vr == .SQ { return Element(tag: element.tag, items: []) }
        return Element(tag: element.tag, vr: element.vr, bytes: [])
    }

    /// U: every UID in the value replaced by its keyed `2.25.` UID; the same UID always maps the same way.
    func replacingUIDs(
        _ element: Element, _ row: ConfidentialityProfile.Row, _ context: Context, _ scope: Scope
    ) -> Element? {
        if element.items != nil { return recursed(element, context, scope, cleaning: false) }
        guard let bytes = element.bytes else { return dummy(for: element, row, context) }
        // UIDs are ASCII digits and dots: work on the bytes, one backslash-separated value at a time.
        var out: [UInt8] = []
        out.reserveCapacity(46)
        for (index, value) in bytes.split(separator: 0x5C, omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out.append(0x5C) }
            let trimmed = Pseudonymiser.trimmed(value)
            if !trimmed.isEmpty { out += pseudonymiser.uid(replacingBytes: trimmed).utf8 }
        }
        if out.count % 2 == 1 { out.append(0) }
        return Element(tag: element.tag, vr: .UI, bytes: out)
    }

    /// Whether a private element is on the safe-list, by its creator's value and element number.
    func isSafePrivate(_ element: Element, _ creatorTag: Tag, in dataSet: DataSet) -> Bool {
        guard let creator = dataSet[creatorTag] else { return false }
        return isSafePrivate(element.tag, creator: creator)
    }

    /// Whether the private element `tag`, whose block `creator` reserves, is on the safe-list.
    func isSafePrivate(_ tag: Tag, creator: Element) -> Bool {
        guard !configuration.safePrivateElements.isEmpty,
            let name = creator.string(characterSet: .latin1)?.trimmingBlanks
        else { return false }
        let entry = SafePrivateElement(creator: name, group: tag.group, element: UInt8(truncatingIfNeeded: tag.element))
        return configuration.safePrivateElements.contains(entry)
    }

    /// The VR to write a replacement in: the element's own, or the table's when it was read as UN.
    func vr(of element: Element, _ row: ConfidentialityProfile.Row) -> VR {
        if element.vr == .UN, let name = row.vr, let vr = VR(name) { return vr }
        return element.vr
    }
}
