import DICOM
import Testing

/// Tags, VRs, transfer syntaxes, the data dictionary and data set ordering.
struct CoreModelTests {
    @Test func tagsKnowPrivateBlocksAndPrintLikeDcmdump() {
        let tag = Tag(0x0029, 0x1010)
        #expect(tag.isPrivate && !tag.isPrivateCreator)
        #expect(tag.privateCreatorTag == Tag(0x0029, 0x0010))
        #expect(Tag(0x0029, 0x0010).isPrivateCreator)
        #expect(Tag.patientName.description == "(0010,0010)")
        #expect(Tag("(7FE0,0010)") == .pixelData)
        #expect(Tag.patientID < Tag.studyInstanceUID)
    }

    @Test func vrsKnowTheirEncodingFacts() {
        #expect(VR.OB.hasLongLength && VR.UT.hasLongLength && VR.SV.hasLongLength && !VR.LO.hasLongLength)
        #expect(VR.UI.paddingByte == 0 && VR.LO.paddingByte == 0x20 && VR.OB.paddingByte == 0)
        #expect(VR.FD.byteSwapUnit == 8 && VR.AT.byteSwapUnit == 2 && VR.OB.byteSwapUnit == 1)
        #expect(VR("PN") == .PN && VR("pn") == nil && VR.all.count == 34)
    }

    @Test func transferSyntaxesKnowHowTheyEncode() {
        #expect(!TransferSyntax(uid: "1.2.840.10008.1.2\0").isExplicitVR)
        #expect(TransferSyntax(uid: "1.2.840.10008.1.2.2").isBigEndian)
        #expect(TransferSyntax(uid: "1.2.840.10008.1.2.1.99").isDeflated)
        #expect(TransferSyntax(uid: "1.2.840.10008.1.2.4.90").isEncapsulated)
        #expect(!TransferSyntax(uid: "1.2.3.4").isKnown && TransferSyntax(uid: "1.2.3.4").isEncapsulated)
    }

    @Test func dictionaryResolvesTagsKeywordsAndRepeatingGroups() {
        #expect(DataDictionary.entry(for: .patientName)?.keyword == "PatientName")
        #expect(DataDictionary.entry(for: .patientName)?.vr == .PN)
        #expect(DataDictionary.tag(forKeyword: "StudyInstanceUID") == .studyInstanceUID)
        #expect(DataDictionary.entry(for: Tag(0x6002, 0x3000))?.keyword == "OverlayData")
        #expect(DataDictionary.entry(for: Tag(0x0009, 0x0010))?.vr == .LO)
        #expect(DataDictionary.entry(for: Tag(0x0009, 0x1010)) == nil)
    }

    @Test func dataSetsKeepTagOrderAndReplaceDuplicates() throws {
        var dataSet = DataSet()
        dataSet.set(Element(tag: .rows, uint16s: [2]))
        dataSet.set(try #require(Element(tag: .patientID, vr: .LO, string: "A")))
        dataSet.set(try #require(Element(tag: .patientID, vr: .LO, string: "B")))
        #expect(dataSet.map(\.tag) == [.patientID, .rows])
        #expect(dataSet[.patientID]?.string() == "B")
        #expect(dataSet.remove(.rows)?.uint16 == 2)
        dataSet[.patientID] = nil
        #expect(dataSet.isEmpty)
    }
}
