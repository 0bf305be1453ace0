/// The actions of PS3.15 Table E.1-1 applied to elements, recursively through sequences.
extension Deidentifier {
    typealias Action = ConfidentialityProfile.Action

    /// The data set with every element handled by its row of Table E.1-1, private elements removed
    /// unless safe-listed, group lengths dropped (they are retired and the writer recomputes them).
    func clean(_ dataSet: DataSet, _ context: Context) -> DataSet {
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
                out.set(recursed(element, context))
                continue
            }
            if let cleaned = clean(element, context) { out.set(cleaned) }
        }
        for tag in keptCreators {
            if let creator = dataSet[tag] { out.set(creator) }
        }
        return out
    }

    /// One public element handled by its row; `nil` when it is removed.
    func clean(_ element: Element, _ context: Context) -> Element? {
        let tag = element.tag
        // An overlay plane cannot survive without its Overlay Data (60xx,3000), which the Basic Profile
        // removes: the whole repeating group goes with it unless Clean Graphics is chosen.
        if tag.group & 0xFF00 == 0x6000, !options.contains(.cleanGraphics) { return nil }
        guard let row = ConfidentialityProfile.row(for: tag.rawValue) else { return recursed(element, context) }
        return apply(row.action(with: options), row, element, context)
    }

    func apply(_ action: Action, _ row: ConfidentialityProfile.Row, _ element: Element, _ context: Context) -> Element? {
        switch action {
        case .k: return recursed(element, context)
        case .x: return nil
        case .z: return emptied(element)
        case .d: return dummy(for: element, row, context)
        case .u: return replacingUIDs(element, row, context)
        case .c: return cleaned(element, row, context)
        case .zOrD, .xOrZ, .xOrD, .xOrZOrD:
            return apply(resolved(action, element.tag), row, element, context)
        case .xOrZOrU:
            // Sequences of references keep their items with the UIDs inside replaced, so references
            // between de-identified instances stay intact.
            if element.items != nil { return recursed(element, context) }
            return vr(of: element, row) == .UI ? replacingUIDs(element, row, context) : nil
        }
    }

    /// A compound action resolved by whether the attribute is required (Type 1 → D, Type 2 → Z, else X).
    func resolved(_ action: Action, _ tag: Tag) -> Action {
        let type = configuration.attributeTypes[tag]
        switch action {
        case .zOrD: return type == .type1 ? .d : .z
        case .xOrZ: return type == .type1 ? .d : type == .type2 ? .z : .x
        case .xOrD, .xOrZOrD: return type == .type1 ? .d : type == .type2 ? .z : .x
        default: return action
        }
    }

    /// C: dates shifted (Modified Dates), descriptors kept only when on the safe-list, sequences
    /// cleaned inside; anything else falls back to the Basic Profile action.
    func cleaned(_ element: Element, _ row: ConfidentialityProfile.Row, _ context: Context) -> Element? {
        let vr = vr(of: element, row)
        let fallback = { () -> Element? in
            let basic = row.basic == .c || row.basic == .k ? Action.x : row.basic
            return self.apply(basic, row, element, context)
        }
        if element.items != nil { return recursed(element, context) }
        if options.contains(.retainLongitudinalModifiedDates), row.options[.retainLongitudinalModifiedDates] == .c,
            vr == .DA || vr == .DT || vr == .TM
        {
            guard let bytes = element.bytes else { return fallback() }
            if vr == .TM { return element }  // whole-day shifts leave the time of day as it is
            if vr == .DA, let shifted = context.dates.shiftedPlainDA(bytes) {
                return Element(tag: element.tag, vr: vr, bytes: shifted)
            }
            guard let text = element.string() else { return fallback() }
            let shifted = vr == .DA ? context.dates.shiftedDA(text) : context.dates.shiftedDT(text)
            guard let shifted else { return fallback() }
            return Element(tag: element.tag, vr: vr, bytes: Self.padded(shifted, vr))
        }
        if vr.isString, !configuration.safeDescriptorValues.isEmpty,
            let text = element.string(characterSet: context.characterSet)?.trimmingBlanks.uppercased(),
            configuration.safeDescriptorValues.contains(where: { $0.trimmingBlanks.uppercased() == text })
        {
            return element
        }
        return fallback()
    }

    /// K for sequences: the items are cleaned by the same rules; other values are kept as they are.
    func recursed(_ element: Element, _ context: Context) -> Element {
        guard let items = element.items else { return element }
        var copy = element
        copy.value = .sequence(items.map { clean($0, context) })
        return copy
    }

    /// Z: a zero-length value (a sequence without items).
    func emptied(_ element: Element) -> Element {
        if element.items != nil || element.vr == .SQ { return Element(tag: element.tag, items: []) }
        return Element(tag: element.tag, vr: element.vr, bytes: [])
    }

    /// U: every UID in the value replaced by its keyed `2.25.` UID; the same UID always maps the same way.
    func replacingUIDs(_ element: Element, _ row: ConfidentialityProfile.Row, _ context: Context) -> Element? {
        if element.items != nil { return recursed(element, context) }
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
        guard !configuration.safePrivateElements.isEmpty,
            let creator = dataSet[creatorTag]?.string(characterSet: .latin1)?.trimmingBlanks
        else { return false }
        let entry = SafePrivateElement(
            creator: creator, group: element.tag.group, element: UInt8(truncatingIfNeeded: element.tag.element))
        return configuration.safePrivateElements.contains(entry)
    }

    /// The VR to write a replacement in: the element's own, or the table's when it was read as UN.
    func vr(of element: Element, _ row: ConfidentialityProfile.Row) -> VR {
        if element.vr == .UN, let name = row.vr, let vr = VR(name) { return vr }
        return element.vr
    }
}
