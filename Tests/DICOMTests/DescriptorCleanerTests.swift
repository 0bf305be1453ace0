import Testing

@testable import DICOM

/// Descriptions kept once their identifying parts are gone (Clean Descriptors, PS3.15 E.3.5).
@Suite struct DescriptorCleanerTests {
    static var cleaner: DescriptorCleaner {
        var cleaner = DescriptorCleaner()
        cleaner.addName("DUPONT^JEAN-PIERRE^^DR")
        cleaner.addName("Ærøskøbing^Jürgen")
        cleaner.addPhrase("CHU DE NANTES")
        cleaner.addPhrase("A12X")
        cleaner.addPhrase("CT1")
        return cleaner
    }

    @Test(arguments: [
        "THORAX SANS INJECTION", "COVID HR 1mm", "CT THORAX C-", "Thorax 1.25 B70f", "THORAX 120KV", "PE 0.625",
        "CT1X", "jeans", "",
    ])
    func researchDescriptorsPassUnchanged(text: String) {
        #expect(Self.cleaner.clean(text) == text)
    }

    @Test(arguments: [
        ("THORAX DUPONT JEAN 17/04/1961", "THORAX"),
        ("CT 1961-04-17 IPP 8812345", "CT IPP"),
        ("Thorax dupont", "Thorax"),
        ("thorax Dupont, Jean-Pierre (Dr) 17.04.61", "thorax"),
        ("CT THORAX JÜRGEN AEROSKOBING", "CT THORAX"),
        ("CT THORAX JURGEN ÆRØSKØBING", "CT THORAX"),
        ("COVID CHU de Nantes HR", "COVID HR"),
        ("THORAX A12X", "THORAX"),
        ("CT1 THORAX", "THORAX"),
        ("THORAX 19610417", "THORAX"),
        ("THORAX 17-Apr-1961", "THORAX"),
        ("THORAX 17 avril 1961", "THORAX"),
        ("THORAX April 17, 1961", "THORAX"),
        ("THORAX 04/17/1961 10:32", "THORAX"),
        ("THORAX 10h32", "THORAX"),
        ("SCAN 1961/04/17 LOW DOSE", "SCAN LOW DOSE"),
    ])
    func identifyingPartsAreRemoved(text: String, expected: String) {
        #expect(Self.cleaner.clean(text) == expected)
    }

    @Test(arguments: ["DUPONT JEAN", "17/04/1961", "8812345", "Dr Dupont 17/04/1961"])
    func textWithNothingLeftIsNotKept(text: String) {
        #expect(Self.cleaner.clean(text) == nil)
    }
}
