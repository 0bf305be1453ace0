import DICOM
import Testing

/// Text decoding and encoding with Specific Character Set (PS3.5 §6.1, PS3.3 §C.12.1.1.2).
struct SpecificCharacterSetTests {
    static func characterSet(_ value: String) -> SpecificCharacterSet {
        SpecificCharacterSet(element: Element(tag: .specificCharacterSet, vr: .CS, bytes: Array(value.utf8)))
    }

    @Test(arguments: [
        ("ISO_IR 100", [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72] as [UInt8], "Müller"),
        ("ISO_IR 192", Array("Äöü^山田".utf8), "Äöü^山田"),
        ("ISO_IR 101", [0xA3, 0xF3, 0x64, 0xBC], "Łódź"),
        ("", [0x4D, 0xFC], "Mü"),
        ("\\ISO 2022 IR 100", [0xE9], "é"),
        ("ISO_IR 144", [0xBB, 0xEE, 0xDA, 0xE1, 0xD5, 0xDC, 0xD1, 0xE3, 0xE0, 0xD3], "Люксембург"),
        ("ISO 2022 IR 126", [0xC4, 0xE9, 0xEF], "Διο"),
        ("ISO_IR 138", [0xF9, 0xF8, 0xE5, 0xEF], "שרון"),
    ])
    func decodesPersonNames(term: String, bytes: [UInt8], expected: String) {
        let characterSet = Self.characterSet(term)
        #expect(characterSet.isSupported)
        #expect(Element(tag: .patientName, vr: .PN, bytes: bytes).string(characterSet: characterSet) == expected)
    }

    @Test func encodesAndPadsToEvenLength() throws {
        let element = try #require(Element(tag: .patientName, vr: .PN, string: "Müller", characterSet: .utf8))
        #expect(element.bytes == Array("Müller".utf8) + [0x20])
        #expect(element.string(characterSet: .utf8) == "Müller")
        #expect(Element(tag: .patientName, vr: .PN, string: "山田", characterSet: .latin1) == nil)
        #expect(Element(tag: .patientName, vr: .PN, string: "Müller", characterSet: .latin1)?.bytes == [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
        let cyrillic = Self.characterSet("ISO_IR 144")
        #expect(Element(tag: .patientName, vr: .PN, string: "Люк", characterSet: cyrillic)?.bytes == [0xBB, 0xEE, 0xDA, 0x20])
        #expect(Element(tag: .patientName, vr: .PN, string: "Müller", characterSet: cyrillic) == nil)
    }

    @Test func codeExtensionsBeyondTheSupportedOnesAreFlagged() {
        #expect(!Self.characterSet("\\ISO 2022 IR 87").isSupported)
        #expect(!Self.characterSet("GB18030").isSupported)
        #expect(Self.characterSet("ISO_IR 192 ").isSupported)
    }

    @Test func codeStringsIgnoreTheCharacterSet() {
        let element = Element(tag: .modality, vr: .CS, bytes: [0x43, 0x54])
        #expect(element.string(characterSet: .utf8) == "CT")
        #expect(Element(tag: .imageType, vr: .CS, bytes: Array("ORIGINAL\\PRIMARY\\AXIAL ".utf8)).strings() == ["ORIGINAL", "PRIMARY", "AXIAL"])
    }
}
