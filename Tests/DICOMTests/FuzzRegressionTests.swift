import DICOM
import Foundation
import Testing

/// Inputs the fuzz target (Fuzz/DICOMReader) found problems with, kept as regression tests. Each must keep
/// the fuzz target's rules, `ReadConsistency`: chunked and whole reading agree, and what we read we can
/// write, read back and rewrite to the same bytes.
struct FuzzRegressionTests {
    /// Inputs in Fuzz/DICOMReader/regressions, named after what went wrong (not `crash-*`, which
    /// .gitignore keeps out for libFuzzer's own artifacts):
    /// `bulk-length-reserve-oom`: a 3.6 GB Pixel Data length made the whole-file collector reserve it;
    /// `unstable-rewrite-1…3`: stray group 0002 elements in the data set, undefined VRs ("UM", "UQ");
    /// `chunked-disagrees-1…2`: the syntax guess and the meta group sniff depended on chunk boundaries;
    /// `unstable-rewrite-4`: an odd SOP Class UID with another VR's padding, copied into the meta group.
    static let cases: [String] = {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/DICOMReader/regressions")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }()

    @Test func regressionInputsArePresent() {
        #expect(Self.cases.count >= 7)
    }

    @Test(arguments: FuzzRegressionTests.cases)
    func fuzzFindingMeetsInvariants(_ name: String) throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/DICOMReader/regressions/\(name)")
        let bytes = try #require(FileManager.default.contents(atPath: url.path))
        let violation = ReadConsistency.violation(in: [UInt8](bytes))
        #expect(violation == nil, "\(violation ?? "")")
    }
}
