/// Code items and conditional attributes: the checks that keep what the profile keeps free of identity
/// and the instance valid for its IOD.
extension Deidentifier {
    static let codeValue = Tag(0x0008, 0x0100)
    static let codingSchemeDesignator = Tag(0x0008, 0x0102)
    static let codeMeaning = Tag(0x0008, 0x0104)
    static let longCodeValue = Tag(0x0008, 0x0119)
    static let urnCodeValue = Tag(0x0008, 0x0120)

    /// A sequence whose items are codes (the Code Sequence Macro, PS3.3 Table 8.8-1) keeps only the items
    /// that are real codes: a known coding scheme and a code value of that scheme's form
    /// (`CodingSchemes`), with a Code Meaning cleaned like a description. Free text put in a Code Value
    /// goes with its item.
    ///
    /// When no item is left, the attribute's type in the IOD decides: Type 1 gets one dummy code
    /// (`dummyCode`), Type 2 stays as an empty sequence, anything else is removed.
    func checkedCodes(_ element: Element, _ context: Context, _ scope: Scope) -> Element? {
        guard let items = element.items, items.contains(where: Self.isCodeItem) else { return element }
        var kept: [Item] = []
        for item in items {
            guard Self.isCodeItem(item) else {
                kept.append(item)
                continue
            }
            if let code = checkedCode(item, context) { kept.append(code) }
        }
        if !kept.isEmpty || items.isEmpty {
            var copy = element
            copy.value = .sequence(kept)
            return copy
        }
        switch IODAttributeTypes.kind(of: scope.path, iod: context.iod) {
        case .type1?, .type1C?: return Element(tag: element.tag, items: [Self.dummyCode])
        case .type2?, .type2C?: return Element(tag: element.tag, items: [])
        default: return nil
        }
    }

    /// Whether an item is a code: it has a code value of some kind or a coding scheme.
    static func isCodeItem(_ item: Item) -> Bool {
        item.contains(codeValue) || item.contains(longCodeValue) || item.contains(urnCodeValue)
            || item.contains(codingSchemeDesignator)
    }

    /// The code item if it is a real code, its meaning cleaned; `nil` otherwise.
    func checkedCode(_ item: Item, _ context: Context) -> Item? {
        let text = { (tag: Tag) in item[tag]?.string(characterSet: context.characterSet)?.trimmingBlanks }
        if let value = text(Self.codeValue) ?? text(Self.longCodeValue) {
            guard let scheme = text(Self.codingSchemeDesignator), CodingSchemes.isValid(value, in: scheme) else {
                return nil
            }
        } else if let urn = text(Self.urnCodeValue) {
            guard CodingSchemes.isValidURN(urn) else { return nil }
        } else {
            return nil
        }
        var out = item
        if let meaning = item[Self.codeMeaning] {
            guard let cleaned = cleanedText(meaning, .LO, context) else { return nil }
            out.set(cleaned)
        }
        return out
    }

    /// The code put in a Type 1 code sequence whose every item was removed: SNOMED CT's "Unknown"
    /// (261665006), a real code of a known scheme that claims nothing about the removed concept.
    static let dummyCode = DataSet([
        Element(tag: codeValue, vr: .SH, bytes: padded("261665006", .SH)),
        Element(tag: codingSchemeDesignator, vr: .SH, bytes: padded("SCT", .SH)),
        Element(tag: codeMeaning, vr: .LO, bytes: padded("Unknown", .LO)),
    ])

    /// What a conditional attribute's presence rests on.
    enum Requirement: Sendable {
        /// The attribute is present (even empty).
        case present(Tag)
        /// The attribute is present with a value.
        case hasValue(Tag)

        func holds(in dataSet: DataSet) -> Bool {
            switch self {
            case .present(let tag): dataSet.contains(tag)
            case .hasValue(let tag): dataSet[tag].map { !$0.isEmpty } ?? false
            }
        }
    }

    /// Conditional attributes (Type 1C, 2C) whose condition rests on an attribute the profile removes or
    /// empties: once the condition fails, the dependent attribute may not be present either (PS3.5
    /// §7.4.4, §7.4.6), as PS3.3 states each condition.
    static let presenceConditions: [(dependent: Tag, requirement: Requirement)] = [
        // Clinical Trial Protocol Ethics Committee Name: "Required if Clinical Trial Protocol Ethics
        // Committee Approval Number (0012,0082) is present" (PS3.3 C.7.2.3).
        (Tag(0x0012, 0x0081), .present(Tag(0x0012, 0x0082))),
        // Responsible Person Role: "Required if Responsible Person is present and has a value" (C.7.1.1).
        (Tag(0x0010, 0x2298), .hasValue(Tag(0x0010, 0x2297))),
    ]

    /// Removes the conditional attributes of `presenceConditions` whose condition held in the input and
    /// no longer holds once cleaned.
    func settleConditions(_ cleaned: inout DataSet, original: DataSet) {
        for (dependent, requirement) in Self.presenceConditions
        where cleaned.contains(dependent) && requirement.holds(in: original) && !requirement.holds(in: cleaned) {
            cleaned.remove(dependent)
        }
    }
}
