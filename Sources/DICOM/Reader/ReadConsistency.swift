/// The reader's self-consistency rules, shared by the fuzz target (Fuzz/DICOMReader) and the regression
/// tests that replay its findings, so both hold the same invariants:
/// - reading in small chunks gives exactly what reading the whole input gives (the same data set, or an
///   error both ways);
/// - whatever is read can be written, and what is written reads back and rewrites to the same bytes.
package enum ReadConsistency {
    /// The limits both use: small enough that a fuzz input cannot make the reader allocate much.
    package static var configuration: StreamReader.Configuration {
        var configuration = StreamReader.Configuration()
        configuration.bulkThreshold = 512
        configuration.maximumElementLength = 1 << 20
        configuration.maximumInflatedLength = 4 << 20
        return configuration
    }

    /// The first rule `bytes` breaks, described for a developer; nil when it keeps them all.
    package static func violation(in bytes: [UInt8]) -> String? {
        let configuration = configuration
        let whole = Result { try DICOMFile(bytes: bytes, configuration: configuration) }
        let chunked = Result { () throws -> DataSet in
            var reader = StreamReader(configuration: configuration)
            var collector = DataSetCollector()
            // Odd step sizes put chunk boundaries inside headers, lengths and values.
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
            if file.dataSet != dataSet { return "chunked reading differs from whole reading" }
            _ = Listing.text(of: file)
            _ = ComparisonDump.json(of: file)
            // A value over 4 GiB cannot be written; none can exist in a fuzz input.
            guard let written = try? file.serialized() else { return nil }
            guard let reread = try? DICOMFile(bytes: written, configuration: configuration) else {
                return "cannot read back what we wrote"
            }
            guard let rewritten = try? reread.serialized(), rewritten == written else {
                return "rewrite is not stable:\n\(Listing.text(of: file))\n----\n\(Listing.text(of: reread))"
            }
            return nil
        case (.failure, .failure):
            return nil
        default:
            return "whole and chunked reading disagree on success: whole \(whole), chunked \(chunked)"
        }
    }
}
