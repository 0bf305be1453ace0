/// The preamble, the file meta group and group lengths (PS3.10 §7.1, PS3.5 §7.2).
extension StreamWriter {
    /// Writes the preamble and meta group, then the elements held back until the SOP identity was known.
    mutating func startDataSet(
        header: FileHeader, held: [Element], sink: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        // Group 0002 belongs in the meta group only (PS3.10 §7.1): a stray one read in the data set joins it.
        let dataSet = DataSet(held.filter { !$0.tag.isFileMeta })
        var meta = DataSet()
        for element in header.meta + held where element.tag.isFileMeta && !element.tag.isGroupLength {
            if meta[element.tag] == nil { meta.set(element) }
        }
        if meta[.fileMetaInformationVersion] == nil {
            meta.set(Element(tag: .fileMetaInformationVersion, vr: .OB, bytes: [0x00, 0x01]))
        }
        for (source, target) in [(Tag.sopClassUID, Tag.mediaStorageSOPClassUID), (.sopInstanceUID, .mediaStorageSOPInstanceUID)] {
            if let element = dataSet[source], let bytes = element.bytes {
                meta.set(Element(tag: target, vr: .UI, bytes: Self.uidBytes(bytes)))
            } else if meta[target] == nil {
                meta.set(Element(tag: target, vr: .UI, bytes: []))
            }
        }
        let syntax = transferSyntax ?? .explicitVRLittleEndian
        let uids = [
            (Tag.transferSyntaxUID, syntax.uid), (.implementationClassUID, configuration.implementationClassUID),
        ]
        for (tag, uid) in uids {
            if let element = Element(tag: tag, vr: .UI, string: uid) {
                meta.set(Element(tag: tag, vr: .UI, bytes: element.bytes.map(Self.nulPadded) ?? []))
            }
        }
        if let name = Element(tag: .implementationVersionName, vr: .SH, string: configuration.implementationVersionName) {
            meta.set(name)
        }
        var body: [UInt8] = []
        for element in meta { try ElementEncoder.append(element, to: &body) }
        output.append(contentsOf: repeatElement(0, count: 128))
        output.append(contentsOf: Array("DICM".utf8))
        ElementEncoder.appendHeader(tag: .fileMetaInformationGroupLength, vr: .UL, length: 4, to: &output)
        ElementEncoder.appendUInt32(UInt32(body.count), to: &output)
        output.append(contentsOf: body)
        state = .elements
        for element in dataSet { try write(.element(element), to: sink) }
    }

    /// A UID value as the meta group holds it: trailing blanks dropped, then NUL-padded to even length
    /// (PS3.5 §9.1), whatever padding the data set element had.
    static func uidBytes(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x00 { end -= 1 }
        var result = Array(bytes[0..<end])
        if result.count % 2 == 1 { result.append(0) }
        return result
    }

    /// UIDs are padded with NUL, not space (PS3.5 §9.1).
    static func nulPadded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.last == 0x20 ? bytes.dropLast() + [0] : bytes
    }

    /// Encodes an element, holding back groups that carry a group length until they are complete.
    mutating func appendElement(_ element: Element) throws {
        let group = element.tag.group
        if let held = heldGroup, held.group != group {
            try closeHeldGroup(before: element.tag, dropLength: false)
        }
        if element.tag.isGroupLength && !element.tag.isFileMeta {
            heldGroup = (group, [])
            return
        }
        if heldGroup != nil {
            try ElementEncoder.append(element, to: &heldGroup!.bytes)
        } else {
            try ElementEncoder.append(element, to: &output)
        }
    }

    /// Writes a held group with its recomputed length (or without it, when a bulk value follows in the group).
    mutating func closeHeldGroup(before tag: Tag?, dropLength: Bool) throws {
        guard let held = heldGroup else { return }
        heldGroup = nil
        let inSameGroup = tag?.group == held.group
        if !(dropLength && inSameGroup) {
            ElementEncoder.appendHeader(tag: Tag(held.group, 0), vr: .UL, length: 4, to: &output)
            ElementEncoder.appendUInt32(UInt32(held.bytes.count), to: &output)
        }
        output.append(contentsOf: held.bytes)
    }
}
