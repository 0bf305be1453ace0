@testable import DICOM

/// Instances with an identifying value planted in every attribute of PS3.15 Table E.1-1, for the
/// de-identification tests.
///
/// Each planted value is unique and recognisable in bytes: text is `<prefix><gggg><eeee>`, UIDs end in
/// `.<prefix number>.<tag>`, dates are 1961-04-17, times carry the row number in their fraction. Sequences
/// get one item holding a planted Patient's Name. The expectation for each row is worked out here from the
/// table alone, independently of the engine: the value must be gone unless a selected option says K
/// (dates and times are shifted, descriptions lose the planted digits).
enum DeidentificationCorpus {
    /// The date planted in every DA and DT attribute.
    static let plantedDate = "19610417"

    /// One planted attribute.
    struct Plant {
        let row: ConfidentialityProfile.Row
        let element: Element
        /// Bytes that must (or, when `mustRemain`, may still) be found in the output; empty for binary
        /// values checked structurally.
        let marker: [UInt8]
        /// Whether the selected options keep the value.
        let mustRemain: Bool
    }

    /// The planted attributes for every row with an exact tag outside groups 0000 and 0002.
    static func plants(prefix: String, uidRoot: String, options: Set<ConfidentialityProfile.Option>) -> [Plant] {
        var plants: [Plant] = []
        for (index, row) in ConfidentialityProfile.rows.enumerated() {
            guard case .tag(let raw) = row.pattern, let vrName = row.vr, let vr = VR(vrName) else { continue }
            let tag = Tag(rawValue: raw)
            guard tag.group != 0x0000, tag.group != 0x0002 else { continue }
            let text = prefix + tag.hexString
            let element: Element
            var marker = Array(text.utf8)
            switch vr {
            case .SQ:
                let inner = DataSet([Element(tag: .patientName, vr: .PN, string: text)!])
                element = Element(tag: tag, items: [inner])
            case .UI:
                let uid = "\(uidRoot).\(raw)"
                element = Element(tag: tag, vr: .UI, string: uid)!
                marker = Array(uid.utf8)
            case .DA:
                element = Element(tag: tag, vr: .DA, string: plantedDate)!
                marker = Array(plantedDate.utf8)
            case .DT:
                element = Element(tag: tag, vr: .DT, string: plantedDate + "093000.000000")!
                marker = Array(plantedDate.utf8)
            case .TM:
                let time = "0930" + String(10 + index % 50) + "." + String(100_000 + index)
                element = Element(tag: tag, vr: .TM, string: time)!
                marker = Array(time.utf8)
            case .AS:
                element = Element(tag: tag, vr: .AS, string: "077Y")!
                marker = []
            case .DS, .IS:
                element = Element(tag: tag, vr: vr, string: "9" + String(raw % 100_000_000))!
                marker = Array(("9" + String(raw % 100_000_000)).utf8)
            case .US:
                element = Element(tag: tag, uint16s: [0x5A5A])
                marker = []
            case .OB, .UN:
                element = Element(tag: tag, vr: vr, bytes: Array(("OB" + text).utf8))
            default:
                element = Element(tag: tag, vr: vr, string: text)!
            }
            plants.append(Plant(row: row, element: element, marker: marker, mustRemain: remains(row, vr, options)))
        }
        return plants
    }

    /// Whether the table keeps a row's value under `options`: some selected option says K.
    static func remains(_ row: ConfidentialityProfile.Row, _ vr: VR, _ options: Set<ConfidentialityProfile.Option>) -> Bool {
        row.options.contains { options.contains($0.key) && $0.value == .k }
    }

    /// A CT-like instance holding every plant, the plants again two sequence levels down, private elements
    /// (with a nested private sequence) and native pixel data.
    static func instance(
        options: Set<ConfidentialityProfile.Option>, characterSet: SpecificCharacterSet = .utf8,
        patientName: String = "Ærøskøbing^Jürgen"
    ) -> (dataSet: DataSet, plants: [Plant], nested: [Plant]) {
        let planted = plants(prefix: "PLANT", uidRoot: "1.2.826.0.1.3680043.9.7777", options: options)
        let nested = plants(prefix: "NESTD", uidRoot: "1.2.826.0.1.3680043.9.7778", options: options)
        var dataSet = DataSet(planted.map { $0.element })
        dataSet.set(Element(tag: .specificCharacterSet, vr: .CS, strings: characterSet.terms)!)
        dataSet.set(Element(tag: .patientName, vr: .PN, string: patientName, characterSet: characterSet)!)
        dataSet.set(Element(tag: .sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.2")!)
        dataSet.set(Element(tag: .modality, vr: .CS, string: "CT")!)
        dataSet.set(Element(tag: .rows, uint16s: [4]))
        dataSet.set(Element(tag: .columns, uint16s: [4]))
        dataSet.set(Element(tag: .bitsAllocated, uint16s: [16]))
        dataSet.set(Element(tag: .samplesPerPixel, uint16s: [1]))
        // Two levels of nesting inside sequences the table does not list (so they are kept and cleaned).
        let inner = DataSet(nested.map { $0.element })
        dataSet.set(Element(tag: Tag(0x0018, 0x9346), items: [DataSet([Element(tag: Tag(0x0008, 0x1115), items: [inner])])]))
        // Private elements, including a private sequence.
        dataSet.set(Element(tag: Tag(0x0011, 0x0010), vr: .LO, string: "PLANTCREATOR")!)
        dataSet.set(Element(tag: Tag(0x0011, 0x1010), vr: .LO, string: "PLANTPRIVATE1")!)
        dataSet.set(Element(tag: Tag(0x0011, 0x1011), items: [DataSet([Element(tag: Tag(0x0011, 0x0010), vr: .LO, string: "PLANTPRIVATE2")!])]))
        dataSet.set(Element(tag: Tag(0x0011, 0x1012), vr: .UN, bytes: Array("PLANTPRIVATE3".utf8) + [0]))
        dataSet.set(Element(tag: .pixelData, vr: .OW, bytes: pixelBytes))
        return (dataSet, planted, nested)
    }

    /// 4 × 4 16-bit pixels with a recognisable pattern.
    static let pixelBytes: [UInt8] = (0..<32).map { UInt8(0xA0 + $0) }

    /// Every value byte of a data set, nested items included, as a flat list (the text a reader of the
    /// written file could find).
    static func valueBytes(_ dataSet: DataSet) -> [UInt8] {
        var out: [UInt8] = []
        for element in dataSet {
            switch element.value {
            case .bytes(let bytes): out += bytes
            case .sequence(let items): for item in items { out += valueBytes(item) }
            case .encapsulated(let pixels): out += pixels.basicOffsetTable + pixels.fragments.flatMap { $0 }
            case .bulk: break
            }
            out += [0xFF]  // values never run together into a false match
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first, Array(self[index..<index + needle.count]) == needle { return true }
            index += 1
        }
        return false
    }
}
