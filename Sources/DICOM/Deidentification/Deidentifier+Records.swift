/// Dummy values for the D action and the attributes that record the de-identification.
extension Deidentifier {
    /// The dummy written for PN, LO, SH and other text VRs.
    static let dummyText = "ANONYMOUS"

    /// D: a non-empty value valid for the VR (PS3.15 E.1.1, PS3.5 Table 6.2-1). A sequence gets one
    /// empty item, never the original items, which may hold identifying codes.
    func dummy(for element: Element, _ row: ConfidentialityProfile.Row, _ context: Context) -> Element {
        let vr = vr(of: element, row)
        let tag = element.tag
        if vr == .SQ || element.items != nil { return Element(tag: tag, items: [DataSet()]) }
        let text: String?
        switch vr {
        case .PN: text = Self.dummyText + "^"  // family name only, in the component form (PS3.5 §6.2.1)
        case .AE, .CS, .LO, .LT, .SH, .ST, .UC, .UT, .UR: text = Self.dummyText
        case .AS: text = "000D"
        case .DA: text = "20000101"
        case .DT: text = "20000101000000"
        case .TM: text = "000000"
        case .DS, .IS: text = "0"
        case .UI:
            // A fresh UID that is still consistent: the same original always gets the same dummy.
            let original = element.string() ?? ""
            text = pseudonymiser.uid(replacing: original.isEmpty ? "dummy:" + tag.hexString : original)
        default: text = nil
        }
        if let text { return Element(tag: tag, vr: vr, bytes: Self.padded(text, vr)) }
        let width = max(2, vr.byteSwapUnit)
        return Element(tag: tag, vr: vr == .UN ? .OB : vr, bytes: [UInt8](repeating: 0, count: width))
    }

    /// Adds the pseudonym as Patient's Name and Patient ID, and Patient Identity Removed,
    /// De-identification Method, De-identification Method Code Sequence (PS3.3 C.7.1.1) and
    /// Longitudinal Temporal Information Modified (PS3.3 C.12.1).
    func addRecords(to dataSet: inout DataSet, _ context: Context, isBlanked: Bool) throws(DeidentificationError) {
        let pseudonym = context.pseudonym.rawValue
        // The pseudonym as family name, with the component delimiter: a name without one reads as the
        // retired ACR-NEMA form to validators such as dciodvfy.
        dataSet.set(Element(tag: .patientName, vr: .PN, bytes: Self.padded(pseudonym + "^", .PN)))
        dataSet.set(Element(tag: .patientID, vr: .LO, bytes: Self.padded(pseudonym, .LO)))
        dataSet.set(Element(tag: .patientIdentityRemoved, vr: .CS, bytes: Self.padded("YES", .CS)))

        var codes = [(ConfidentialityProfile.basicProfileCode.value, ConfidentialityProfile.basicProfileCode.meaning)]
        if isBlanked {
            codes.append((ConfidentialityProfile.cleanPixelDataCode.value, ConfidentialityProfile.cleanPixelDataCode.meaning))
        }
        for option in options.sorted() { codes.append((option.codeValue, option.codeMeaning)) }
        let methods = ["PS3.15 E.1-1 " + ConfidentialityProfile.sourceRevision.prefix(5)] + codes.map(\.1)
        dataSet.set(Element(tag: .deidentificationMethod, vr: .LO, bytes: Self.padded(methods.joined(separator: "\\"), .LO)))
        let items = codes.map { code in
            DataSet([
                Element(tag: Tag(0x0008, 0x0100), vr: .SH, bytes: Self.padded(code.0, .SH)),
                Element(tag: Tag(0x0008, 0x0102), vr: .SH, bytes: Self.padded("DCM", .SH)),
                Element(tag: Tag(0x0008, 0x0104), vr: .LO, bytes: Self.padded(code.1, .LO)),
            ])
        }
        dataSet.set(Element(tag: .deidentificationMethodCodeSequence, items: items))

        let longitudinal =
            options.contains(.retainLongitudinalFullDates)
            ? "UNMODIFIED" : options.contains(.retainLongitudinalModifiedDates) ? "MODIFIED" : "REMOVED"
        dataSet.set(Element(tag: Tag(0x0028, 0x0303), vr: .CS, bytes: Self.padded(longitudinal, .CS)))
        if isBlanked {
            dataSet.set(Element(tag: .burnedInAnnotation, vr: .CS, bytes: Self.padded("NO", .CS)))
        }
    }

    /// ASCII text as value bytes, padded to even length with the VR's padding byte (PS3.5 §7.1.1).
    static func padded(_ text: String, _ vr: VR) -> [UInt8] {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }
}
