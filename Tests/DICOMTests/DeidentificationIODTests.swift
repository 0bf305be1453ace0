import Testing

@testable import DICOM

/// Actions decided with the instance's IOD (PS3.3), code items checked, conditional attributes settled:
/// what keeps de-identified SR, Key Object Selection and presentation states valid and free of identity.
@Suite struct DeidentificationIODTests {
    static let key = try! PseudonymisationKey(bytes: Array(repeating: 0x61, count: 32))
    static let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: key))
    static let comprehensiveSR = "1.2.840.10008.5.1.4.1.1.88.33"
    static let keyObjectSelection = "1.2.840.10008.5.1.4.1.1.88.59"

    static func text(_ tag: DICOM.Tag, _ value: String, _ vr: VR = .LO) -> Element { Element(tag: tag, vr: vr, string: value)! }
    static func code(_ value: String, _ scheme: String, _ meaning: String) -> DataSet {
        DataSet([text(Tag(0x0008, 0x0100), value, .SH), text(Tag(0x0008, 0x0102), scheme, .SH), text(Tag(0x0008, 0x0104), meaning)])
    }
    static func deidentify(_ elements: [Element], sopClass: String) throws -> DataSet {
        let dataSet = DataSet(
            [text(.sopClassUID, sopClass, .UI), text(.patientID, "PID-4711"), text(.patientName, "Martin^Claire", .PN)] + elements)
        return try deidentifier.deidentify(dataSet, centre: "C").dataSet
    }

    @Test(arguments: [
        ([Tag(0x0040, 0xA073), Tag(0x0040, 0xA075)], comprehensiveSR, IODAttributeTypes.Kind.type1),  // Verifying Observer Name
        ([Tag(0x0040, 0xA073), Tag(0x0040, 0xA027)], comprehensiveSR, .type1),  // Verifying Organization
        ([Tag(0x0040, 0xA073), Tag(0x0040, 0xA088)], comprehensiveSR, .type2),  // its identification codes
        ([Tag(0x0040, 0x0555)], comprehensiveSR, .type2),  // Acquisition Context Sequence
        ([Tag(0x0040, 0xA730), Tag(0x0040, 0xA123)], comprehensiveSR, .type1C),  // Person Name of a PNAME item
        ([Tag(0x0040, 0xA730), Tag(0x0040, 0xA730), Tag(0x0040, 0xA730), Tag(0x0040, 0xA123)], comprehensiveSR, .type1C),
        ([Tag(0x0040, 0xA730), Tag(0x0040, 0xA730), Tag(0x0040, 0xA043)], comprehensiveSR, .type1C),  // Concept Name
        ([Tag(0x0018, 0x1000)], "1.2.840.10008.5.1.4.1.1.2.1", .type1),  // Device Serial Number, Enhanced CT
        ([Tag(0x0018, 0x1000)], "1.2.840.10008.5.1.4.1.1.2", .type3),  // … CT: General Equipment only
        ([Tag(0x0070, 0x0001)], "1.2.840.10008.5.1.4.1.1.11.1", .type1),  // Graphic Annotation Sequence (GSPS)
    ])
    func attributeTypesComeFromTheIOD(path: [DICOM.Tag], sopClass: String, expected: IODAttributeTypes.Kind) {
        #expect(IODAttributeTypes.kind(of: path, iod: IODAttributeTypes.iod(ofSOPClass: sopClass)) == expected)
    }

    @Test func structuredReportsKeepTheirTreeWithTheTextCleaned() throws {
        let image = DataSet([
            Self.text(Tag(0x0008, 0x1150), "1.2.840.10008.5.1.4.1.1.2", .UI), Self.text(Tag(0x0008, 0x1155), "1.2.826.0.1.3680043.9.9.1", .UI),
        ])
        let items = [
            DataSet([
                Self.text(Tag(0x0040, 0xA010), "CONTAINS", .CS), Self.text(Tag(0x0040, 0xA040), "TEXT", .CS),
                Element(tag: Tag(0x0040, 0xA043), items: [Self.code("121071", "DCM", "Finding")]),
                Self.text(Tag(0x0040, 0xA160), "Ground glass, seen by Dr Martin on 12/03/2020", .UT),
            ]),
            DataSet([
                Self.text(Tag(0x0040, 0xA010), "HAS OBS CONTEXT", .CS), Self.text(Tag(0x0040, 0xA040), "PNAME", .CS),
                Element(tag: Tag(0x0040, 0xA043), items: [Self.code("121008", "DCM", "Person Observer Name")]),
                Self.text(Tag(0x0040, 0xA123), "Martin^Claire", .PN),
            ]),
            DataSet([
                Self.text(Tag(0x0040, 0xA010), "CONTAINS", .CS), Self.text(Tag(0x0040, 0xA040), "CODE", .CS),
                Element(tag: Tag(0x0040, 0xA043), items: [Self.code("PATIENT MARTIN", "99LOCAL", "Claire Martin")]),
                Element(tag: Tag(0x0040, 0xA168), items: [Self.code("39607008", "SCT", "Lung")]),
            ]),
            DataSet([
                Self.text(Tag(0x0040, 0xA010), "CONTAINS", .CS), Self.text(Tag(0x0040, 0xA040), "IMAGE", .CS),
                Element(tag: Tag(0x0008, 0x1199), items: [image]),
            ]),
        ]
        let out = try Self.deidentify(
            [
                Element(tag: Tag(0x0040, 0xA730), items: items),
                Element(tag: Tag(0x0040, 0xA073), items: [DataSet([
                    Self.text(Tag(0x0040, 0xA027), "CHU Nantes"), Self.text(Tag(0x0040, 0xA030), "20200312101500", .DT),
                    Self.text(Tag(0x0040, 0xA075), "Martin^Claire", .PN),
                    Element(tag: Tag(0x0040, 0xA088), items: [Self.code("ID-99", "99HOSP", "Claire")]),
                ])]),
            ], sopClass: Self.comprehensiveSR)
        let content = try #require(out[Tag(0x0040, 0xA730)]?.items)
        #expect(content.count == 4)
        #expect(content.allSatisfy { $0[Tag(0x0040, 0xA010)] != nil })  // Type 1 Relationship Type kept
        #expect(content[0][Tag(0x0040, 0xA160)]?.string() == "Ground glass, seen by Dr on")
        #expect(content[1][Tag(0x0040, 0xA123)]?.string() == "ANONYMOUS^")
        // A free-text concept name is replaced by the portal's dummy code; the real concept stays.
        #expect(content[2][Tag(0x0040, 0xA043)]?.items == [Deidentifier.dummyCode])
        #expect(content[2][Tag(0x0040, 0xA168)]?.items == [Self.code("39607008", "SCT", "Lung")])
        let reference = try #require(content[3][Tag(0x0008, 0x1199)]?.items?.first)
        #expect(reference[Tag(0x0008, 0x1155)]?.string() == Pseudonymiser(key: Self.key).uid(replacing: "1.2.826.0.1.3680043.9.9.1"))
        #expect(reference[Tag(0x0008, 0x1150)]?.string() == "1.2.840.10008.5.1.4.1.1.2")
        let observer = try #require(out[Tag(0x0040, 0xA073)]?.items?.first)
        #expect(observer[Tag(0x0040, 0xA027)]?.string() == "ANONYMOUS")
        #expect(observer[Tag(0x0040, 0xA075)]?.string() == "ANONYMOUS^")
        #expect(observer[Tag(0x0040, 0xA030)]?.string()?.count == 14)  // shifted, still a DT
        #expect(observer[Tag(0x0040, 0xA030)]?.string() != "20200312101500")
        #expect(observer[Tag(0x0040, 0xA088)]?.items == [])  // Z, Type 2: present and empty
    }

    @Test func codeSequencesKeepOnlyRealCodes() throws {
        let out = try Self.deidentify(
            [
                Element(tag: Tag(0x0008, 0x1084), items: [  // Admitting Diagnoses: X, C under Clean Descriptors
                    Self.code("J18.9", "I10", "Pneumonia"), Self.code("Claire Martin 12/03", "I10", "Pneumonia"),
                    Self.code("840539006", "SCT", "COVID-19 Martin"), Self.code("12345", "99HOSP", "Ward"),
                ]),
                Element(tag: Tag(0x0008, 0x1032), items: [Self.code("MARTIN CLAIRE", "SCT", "CT chest")]),  // Procedure Code
            ], sopClass: "1.2.840.10008.5.1.4.1.1.2")
        #expect(out[Tag(0x0008, 0x1084)]?.items == [Self.code("J18.9", "I10", "Pneumonia"), Self.code("840539006", "SCT", "COVID-19")])
        #expect(out[Tag(0x0008, 0x1032)] == nil)  // nothing real left; Type 3 in CT
    }

    @Test(arguments: [
        ("39607008", "SCT", true), ("39607009", "SCT", false), ("840539006", "SCT", true), ("DUPONT", "SCT", false),
        ("8867-4", "LN", true), ("8867-5", "LN", false), ("LP12345-6", "LN", true), ("121071", "DCM", true), ("CT", "DCM", true),
        ("JEAN", "DCM", false), ("T-D3000", "SRT", true), ("DUPONT JEAN", "SRT", false), ("RID1301", "RADLEX", true),
        ("mm", "UCUM", true), ("mg/mL", "UCUM", true), ("[hnsf'U]", "UCUM", true), ("{ratio}", "UCUM", true),
        ("{Dupont}", "UCUM", false), ("PLANT00080100", "UCUM", false), ("J18.9", "I10", true), ("U07.1", "I10", true),
        ("MARTIN", "I10", false), ("486", "I9C", true), ("V12.01", "I9C", true), ("E849.0", "I9C", true), ("12", "99X", false),
    ])
    func codeValuesMustHaveTheirSchemesForm(value: String, scheme: String, isValid: Bool) {
        #expect(CodingSchemes.isValid(value, in: scheme) == isValid)
    }

    @Test func aConditionalAttributeGoesWithTheAttributeItRestsOn() throws {
        let out = try Self.deidentify(
            [Self.text(Tag(0x0012, 0x0081), "CPP Ouest"), Self.text(Tag(0x0012, 0x0082), "2020-A01234-35")],
            sopClass: "1.2.840.10008.5.1.4.1.1.2")
        #expect(out[Tag(0x0012, 0x0082)] == nil)  // X
        #expect(out[Tag(0x0012, 0x0081)] == nil)  // 1C: "required if … Approval Number is present"
        let alone = try Self.deidentify([Self.text(Tag(0x0012, 0x0081), "CPP Ouest")], sopClass: "1.2.840.10008.5.1.4.1.1.2")
        #expect(alone[Tag(0x0012, 0x0081)]?.string() == "ANONYMOUS")  // D
    }
}
