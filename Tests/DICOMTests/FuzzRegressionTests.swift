import DICOM
import Foundation
import Testing

/// Inputs the fuzz target (Fuzz/DICOMReader) found problems with, kept as regression tests. Each must meet
/// the fuzz target's invariants: chunked and whole reading agree, and what we read we can write, read back
/// and rewrite to the same bytes.
struct FuzzRegressionTests {
    static func checkInvariants(_ bytes: [UInt8]) throws {
        var configuration = StreamReader.Configuration()
        configuration.bulkThreshold = 512
        configuration.maximumElementLength = 1 << 20
        configuration.maximumInflatedLength = 4 << 20
        let whole = Result { try DICOMFile(bytes: bytes, configuration: configuration) }
        var reader = StreamReader(configuration: configuration)
        var collector = DataSetCollector()
        let chunked = Result { () throws -> DataSet in
            let step = 1 + bytes.count % 61
            var start = 0
            while start < bytes.count {
                let end = min(start + step, bytes.count)
                try reader.feed(bytes[start..<end]) { try collector.collect($0) }
                start = end
            }
            try reader.finish { try collector.collect($0) }
            return collector.dataSet
        }
        switch (whole, chunked) {
        case (.success(let file), .success(let dataSet)):
            #expect(file.dataSet == dataSet)
            let written = try file.serialized()
            let reread = try DICOMFile(bytes: written, configuration: configuration)
            let rewritten = try reread.serialized()
            #expect(rewritten == written, "\(Listing.text(of: file))\n----\n\(Listing.text(of: reread))")
        case (.failure, .failure):
            break
        default:
            Issue.record("whole \(whole) vs chunked \(chunked)")
        }
    }

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
        try Self.checkInvariants([UInt8](bytes))
    }
}
