import Testing

@testable import DICOM

/// The semantics of each action of PS3.15 Table E.1-1 and of the options, on small data sets.
@Suite struct DeidentificationActionTests {
    static let key = try! PseudonymisationKey(bytes: Array(repeating: 0x17, count: 32))

    /// CT Image Storage, whose IOD (PS3.3 A.3) gives the attribute types of most tests.
    static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    /// Enhanced CT Image Storage (PS3.3 A.38), with the Enhanced General Equipment module.
    static let enhancedCTImage = "1.2.840.10008.5.1.4.1.1.2.1"

    static func deidentify(
        _ elements: [Element], configuration: Deidentifier.Configuration = .init(), sopClass: String = ctImage
    ) throws -> DataSet {
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: key), configuration: configuration)
        var dataSet = DataSet([Element(tag: .sopClassUID, vr: .UI, string: sopClass)!] + elements)
        dataSet.set(Element(tag: .patientID, vr: .LO, string: "MRN-0001")!)
        return try deidentifier.deidentify(dataSet, centre: "C").dataSet
    }

    static func text(_ tag: DICOM.Tag, _ value: String, _ vr: VR = .LO) -> Element { Element(tag: tag, vr: vr, string: value)! }

    @Test func removeDeletesTheAttribute() throws {
        let out = try Self.deidentify([Self.text(Tag(0x0008, 0x0081), "1 Hospital Road", .ST)])
        #expect(out[Tag(0x0008, 0x0081)] == nil)
    }

    @Test func zeroLeavesAnEmptyValue() throws {
        let out = try Self.deidentify([Self.text(.accessionNumber, "ACC123", .SH)])
        #expect(out[.accessionNumber]?.isEmpty == true)
    }

    @Test func dummyIsNonEmptyAndValidForTheVR() throws {
        let observer = DataSet([Self.text(Tag(0x0040, 0xA075), "Dr Who", .PN)])
        let out = try Self.deidentify(
            [
                Self.text(Tag(0x0012, 0x0010), "Sponsor Inc"),
                Self.text(Tag(0x0040, 0xA121), "20200202", .DA),
                Self.text(Tag(0x0040, 0xA123), "Doe^Jane", .PN),
                Element(tag: Tag(0x0040, 0xA073), items: [observer]),
            ], configuration: .init(options: []))
        #expect(out[Tag(0x0012, 0x0010)]?.string() == "ANONYMOUS")
        #expect(out[Tag(0x0040, 0xA121)]?.string() == "20000101")
        #expect(out[Tag(0x0040, 0xA123)]?.string() == "ANONYMOUS^")
        // A D sequence keeps its items' structure with every value inside handled by its own row, so
        // the Type 1 Verifying Observer Name stays present, as a dummy.
        #expect(out[Tag(0x0040, 0xA073)]?.items == [DataSet([Self.text(Tag(0x0040, 0xA075), "ANONYMOUS^", .PN)])])
    }

    @Test func uidsAreReplacedByKeyedUUIDDerivedUIDs() throws {
        let original = "1.2.826.0.1.3680043.9.5.1"
        let out = try Self.deidentify([Self.text(.sopInstanceUID, original, .UI)])
        let expected = Pseudonymiser(key: Self.key).uid(replacing: original)
        #expect(out[.sopInstanceUID]?.string() == expected)
    }

    @Test func patientCharacteristicsAreKeptOnlyWithTheirOption() throws {
        let elements = [Self.text(Tag(0x0010, 0x1010), "063Y", .AS), Self.text(.patientSex, "F", .CS)]
        let kept = try Self.deidentify(elements)
        #expect(kept[Tag(0x0010, 0x1010)]?.string() == "063Y")
        #expect(kept[.patientSex]?.string() == "F")
        let basic = try Self.deidentify(elements, configuration: .init(options: []))
        #expect(basic[Tag(0x0010, 0x1010)] == nil)
        #expect(basic[.patientSex]?.isEmpty == true)
    }

    @Test func deviceIdentityIsRemovedUnlessRetained() throws {
        let serial = Self.text(Tag(0x0018, 0x1000), "SN-998877")
        #expect(try Self.deidentify([serial])[Tag(0x0018, 0x1000)] == nil)  // X/Z/D, Type 3 in CT: X
        // Type 1 in the Enhanced General Equipment module of Enhanced CT: a dummy.
        #expect(try Self.deidentify([serial], sopClass: Self.enhancedCTImage)[Tag(0x0018, 0x1000)]?.string() == "ANONYMOUS")
        var configuration = Deidentifier.Configuration()
        configuration.options.insert(.retainDeviceIdentity)
        let out = try Self.deidentify([serial], configuration: configuration)
        #expect(out[Tag(0x0018, 0x1000)]?.string() == "SN-998877")
        let codes = out[.deidentificationMethodCodeSequence]?.items?.compactMap { $0[Tag(0x0008, 0x0100)]?.string() }
        #expect(codes?.contains("113109") == true)
    }

    @Test func cleanDescriptorsKeepsDescriptionsWithoutTheirIdentifyingParts() throws {
        let elements = [
            Self.text(.patientName, "Smith^John", .PN), Self.text(.accessionNumber, "ACC-77", .SH),
            Self.text(Tag(0x0008, 0x1030), "THORAX SANS INJECTION"),
            Self.text(Tag(0x0008, 0x103E), "Smith follow-up 17/04/2021 ACC-77"),
            Self.text(Tag(0x0018, 0x1030), "COVID HR 1mm"), Self.text(Tag(0x0020, 0x4000), "JOHN 8812345", .LT),
        ]
        let out = try Self.deidentify(elements)
        #expect(out[Tag(0x0008, 0x1030)]?.string() == "THORAX SANS INJECTION")
        #expect(out[Tag(0x0008, 0x103E)]?.string() == "follow-up")
        #expect(out[Tag(0x0018, 0x1030)]?.string() == "COVID HR 1mm")
        #expect(out[Tag(0x0020, 0x4000)] == nil)  // nothing but identity: the Basic Profile's X
        // Removal stays available.
        let removed = try Self.deidentify(elements, configuration: .init(descriptors: .removed))
        #expect(removed[Tag(0x0008, 0x1030)] == nil)
        // A safe-listed value is kept exactly.
        let safe = try Self.deidentify(
            [Self.text(Tag(0x0008, 0x1030), " ct chest ")], configuration: .init(safeDescriptorValues: ["CT CHEST"], descriptors: .removed))
        #expect(safe[Tag(0x0008, 0x1030)]?.string() == " ct chest")
    }

    @Test func compoundActionsFollowTheAttributeType() throws {
        let out = try Self.deidentify(
            [Self.text(Tag(0x0008, 0x0023), "20200101", .DA), Self.text(.institutionName, "St Elsewhere")],
            configuration: .init(options: []))
        #expect(out[Tag(0x0008, 0x0023)]?.isEmpty == true)  // Z/D, Type 2 in CT: Z
        #expect(out[.institutionName] == nil)  // X/Z/D, Type 3: X
        let typed = try Self.deidentify(
            [Self.text(.institutionName, "St Elsewhere")],
            configuration: .init(options: [], attributeTypes: [.institutionName: .type1]))
        #expect(typed[.institutionName]?.string() == "ANONYMOUS")
    }

    @Test func actionsApplyInsideSequences() throws {
        let inner = DataSet([
            Self.text(.patientName, "Doe^John", .PN), Self.text(Tag(0x0008, 0x0100), "T-D3000", .SH),
            Self.text(Tag(0x0008, 0x0102), "SRT", .SH),
        ])
        let out = try Self.deidentify([Element(tag: Tag(0x0018, 0x9346), items: [inner])])
        let item = try #require(out[Tag(0x0018, 0x9346)]?.items?.first)
        #expect(item[.patientName]?.isEmpty == true)
        #expect(item[Tag(0x0008, 0x0100)]?.string() == "T-D3000")
    }

    @Test func privateElementsGoUnlessSafeListed() throws {
        let elements = [
            Self.text(Tag(0x0019, 0x0010), "ACME 1.0"), Self.text(Tag(0x0019, 0x1010), "KV 120", .SH),
            Self.text(Tag(0x0019, 0x1011), "Doe^John", .PN),
        ]
        #expect(try !Self.deidentify(elements).contains { $0.tag.isPrivate })
        let safe = Deidentifier.Configuration(safePrivateElements: [.init(creator: "ACME 1.0", group: 0x0019, element: 0x10)])
        let out = try Self.deidentify(elements, configuration: safe)
        #expect(out[Tag(0x0019, 0x0010)]?.string() == "ACME 1.0")
        #expect(out[Tag(0x0019, 0x1010)]?.string() == "KV 120")
        #expect(out[Tag(0x0019, 0x1011)] == nil)
        let codes = out[.deidentificationMethodCodeSequence]?.items?.compactMap { $0[Tag(0x0008, 0x0100)]?.string() }
        #expect(codes?.contains("113111") == true)
    }

    @Test func overlaysAndCurvesAreRemoved() throws {
        let out = try Self.deidentify([
            Element(tag: Tag(0x5000, 0x0010), uint16s: [2]), Element(tag: Tag(0x6000, 0x0010), uint16s: [4]),
            Element(tag: Tag(0x6000, 0x3000), vr: .OW, bytes: [1, 2, 3, 4]),
        ])
        #expect(!out.contains { $0.tag.group & 0xFF00 == 0x5000 || $0.tag.group & 0xFF00 == 0x6000 })
    }

    @Test func recordsWhatWasDone() throws {
        let out = try Self.deidentify([])
        let pseudonym = try Pseudonymiser(key: Self.key).pseudonym(centre: "C", patientID: "MRN-0001")
        #expect(out[.patientID]?.string() == pseudonym.rawValue)
        #expect(out[.patientName]?.string() == pseudonym.rawValue + "^")
        #expect(out[.patientIdentityRemoved]?.string() == "YES")
        #expect(out[Tag(0x0028, 0x0303)]?.string() == "MODIFIED")
        let items = try #require(out[.deidentificationMethodCodeSequence]?.items)
        #expect(items.compactMap { $0[Tag(0x0008, 0x0100)]?.string() } == ["113100", "113103", "113104", "113105", "113107", "113108"])
        #expect(items.allSatisfy { $0[Tag(0x0008, 0x0102)]?.string() == "DCM" })
        #expect(out[.deidentificationMethod]?.strings()?.first == "PS3.15 E.1-1 2024b")
    }

    @Test func missingPatientIDIsRefusedWithoutQuotingValues() throws {
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key))
        let dataSet = DataSet([Self.text(.patientName, "Doe^Secret", .PN)])
        do {
            _ = try deidentifier.deidentify(dataSet, centre: "C")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .missingPatientID)
            #expect(!error.description.contains("Secret"))
        }
    }

    @Test(arguments: [
        ("20200301", -1, "20200229"), ("20210101", -366, "20200101"), ("19700101", -1, "19691231"),
        ("2020.03.01", -1, "20200229"), ("20200101-20200110", -10, "20191222-20191231"),
    ])
    func datesShiftAcrossMonthsYearsAndLeapDays(original: String, days: Int, expected: String) {
        #expect(DateShifter(days: days).shiftedDA(original) == expected)
    }

    @Test func unshiftableValuesFallBackToTheBasicAction() throws {
        #expect(DateShifter(days: -5).shiftedDA("20200230") == nil)
        #expect(DateShifter(days: -5).shiftedDT("2020") == nil)
        #expect(DateShifter(days: -5).shiftedDT("20200105120000.5-0500") == "20191231120000.5-0500")
        // Study Date is Z in the Basic Profile: an invalid date is emptied, not kept.
        let out = try Self.deidentify([Self.text(.studyDate, "2020XX01", .DA)])
        #expect(out[.studyDate]?.isEmpty == true)
    }

    @Test func fileMetaKeepsOnlyTheEncodingAndAReplacedInstanceUID() {
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key))
        let meta = DataSet([
            Self.text(.mediaStorageSOPInstanceUID, "1.2.826.0.1.3680043.9.5.9", .UI),
            Self.text(.transferSyntaxUID, TransferSyntax.explicitVRLittleEndian.uid, .UI),
            Self.text(.sourceApplicationEntityTitle, "HOSPITALPACS", .AE),
        ])
        let out = deidentifier.deidentifyMeta(meta)
        #expect(out[.sourceApplicationEntityTitle] == nil)
        #expect(out[.transferSyntaxUID] == meta[.transferSyntaxUID])
        #expect(out[.mediaStorageSOPInstanceUID]?.string() == Pseudonymiser(key: Self.key).uid(replacing: "1.2.826.0.1.3680043.9.5.9"))
    }
}
