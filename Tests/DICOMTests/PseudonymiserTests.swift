import Testing

@testable import DICOM

/// Keyed pseudonyms, UIDs and date offsets (issue 5, item 4). The expected values were computed
/// independently with Python's `hmac` module over the documented message encoding.
@Suite struct PseudonymiserTests {
    static let key = try! PseudonymisationKey(bytes: Array(0..<32))

    @Test func patientPseudonymMatchesIndependentVector() throws {
        let pseudonymiser = Pseudonymiser(key: Self.key)
        let pseudonym = try pseudonymiser.pseudonym(centre: "CENTRE-01", patientID: "12345")
        #expect(pseudonym.rawValue == "AEB68F0F5C9D3687610F17D92A6C4BF0")
    }

    @Test func uidMatchesIndependentVector() {
        let pseudonymiser = Pseudonymiser(key: Self.key)
        #expect(
            pseudonymiser.uid(replacing: "1.2.840.113619.2.55.3.1")
                == "2.25.145725988406088306094581300673416936963")
    }

    @Test func dateOffsetMatchesIndependentVector() {
        let pseudonymiser = Pseudonymiser(key: Self.key)
        #expect(pseudonymiser.dateOffsetDays(for: Pseudonym(rawValue: "AEB68F0F5C9D3687610F17D92A6C4BF0")) == -3595)
    }

    @Test func paddingIsIgnoredAndResultsAreDeterministic() throws {
        let first = Pseudonymiser(key: Self.key)
        let second = Pseudonymiser(key: try PseudonymisationKey(bytes: Array(0..<32)))
        #expect(try first.pseudonym(centre: "C1", patientID: "ID 7 ") == second.pseudonym(centre: "C1", patientID: "ID 7"))
        #expect(first.uid(replacing: "1.2.3.4\0") == second.uid(replacing: "1.2.3.4"))
    }

    @Test func fieldsAreLengthPrefixedAndCentresKeptApart() throws {
        let pseudonymiser = Pseudonymiser(key: Self.key)
        let a = try pseudonymiser.pseudonym(centre: "AB", patientID: "C")
        let b = try pseudonymiser.pseudonym(centre: "A", patientID: "BC")
        let c = try pseudonymiser.pseudonym(centre: "XY", patientID: "C")
        #expect(a != b)
        #expect(a != c)
    }

    @Test func anotherKeyGivesOtherValues() throws {
        let other = Pseudonymiser(key: try PseudonymisationKey(bytes: Array(repeating: 7, count: 32)))
        let mine = Pseudonymiser(key: Self.key)
        #expect(try other.pseudonym(centre: "C", patientID: "P") != mine.pseudonym(centre: "C", patientID: "P"))
        #expect(other.uid(replacing: "1.2.3") != mine.uid(replacing: "1.2.3"))
    }

    @Test(arguments: ["1.2.3", "1.2.840.10008.5.1.4.1.1.2", "2.25.1", String(repeating: "9.", count: 31) + "9"])
    func uidsHaveTheUUIDFormAndFitSixtyFourCharacters(original: String) {
        let uid = Pseudonymiser(key: Self.key).uid(replacing: original)
        #expect(uid.hasPrefix("2.25."))
        #expect(uid.utf8.count <= 64)
        let digits = uid.dropFirst(5)
        #expect(!digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber))
        #expect(digits.first != "0")
        let value = UInt128(digits)!
        #expect((value >> 76) & 0xF == 8)  // UUID version 8
        #expect((value >> 62) & 0x3 == 2)  // RFC 9562 variant
    }

    @Test func dateOffsetsStayInTheConfiguredRange() {
        let pseudonymiser = Pseudonymiser(key: Self.key, configuration: .init(dateShiftDays: 10...20))
        for index in 0..<200 {
            let offset = pseudonymiser.dateOffsetDays(for: Pseudonym(rawValue: "P\(index)"))
            #expect((-20)...(-10) ~= offset)
        }
    }

    @Test func emptyIdentifiersAreRefused() {
        let pseudonymiser = Pseudonymiser(key: Self.key)
        #expect(throws: PseudonymisationError(code: .emptyIdentifier)) {
            try pseudonymiser.pseudonym(centre: "C", patientID: "  ")
        }
    }

    @Test func keysAreParsedFromHexOrRawBytesAndNeverDescribed() throws {
        let hex = Array((String(repeating: "0f", count: 32) + "\n").utf8)
        let fromHex = try PseudonymisationKey(parsing: hex)
        #expect(fromHex.bytes == Array(repeating: 0x0F, count: 32))
        let raw = Array(repeating: UInt8(0xC3), count: 40) + [0x0A]
        #expect(try PseudonymisationKey(parsing: raw).bytes.count == 40)
        #expect(throws: PseudonymisationError(code: .keyTooShort)) { try PseudonymisationKey(parsing: Array("short".utf8)) }
        #expect(!String(describing: fromHex).contains("0f"))
        #expect(String(describing: Pseudonymiser(key: fromHex)).contains("0f0f") == false)
    }

    @Test func theIssuerOfThePatientIDSeparatesPatients() throws {
        let pseudonymiser = Pseudonymiser(key: try PseudonymisationKey(bytes: Array(repeating: 9, count: 32)))
        let plain = try pseudonymiser.pseudonym(centre: "C", patientID: "8812345")
        #expect(try pseudonymiser.pseudonym(centre: "C", patientID: "8812345", issuer: " ") == plain)
        let first = try pseudonymiser.pseudonym(centre: "C", patientID: "8812345", issuer: "CHU-IPP")
        let second = try pseudonymiser.pseudonym(centre: "C", patientID: "8812345", issuer: "CLINIQUE-IPP")
        #expect(Set([plain, first, second]).count == 3)
        #expect(try pseudonymiser.pseudonym(centre: "C", patientID: "8812345 ", issuer: "CHU-IPP ") == first)
    }
}
