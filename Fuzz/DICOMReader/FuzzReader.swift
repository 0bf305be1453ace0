// libFuzzer entry point for the DICOM reader, compiled together with Sources/DICOM into one module by
// Fuzz/run-dicom-reader-fuzz.sh. Besides "no trap, no leak, no hang", it checks invariants that a trap
// reports as a finding:
//  * reading in small chunks gives exactly what reading the whole input gives (same data set or same error);
//  * whatever we read, we can write, and what we write reads back and rewrites to the same bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDICOMReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var configuration = StreamReader.Configuration()
    configuration.bulkThreshold = 512
    configuration.maximumElementLength = 1 << 20
    configuration.maximumInflatedLength = 4 << 20

    let whole = Result { try DICOMFile(bytes: bytes, configuration: configuration) }
    let chunked = Result { () throws -> DataSet in
        var reader = StreamReader(configuration: configuration)
        var collector = DataSetCollector()
        let step = 1 + size % 61
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
        if file.dataSet != dataSet { fatalError("chunked reading differs from whole reading") }
        _ = Listing.text(of: file)
        _ = ComparisonDump.json(of: file)
        guard let written = try? file.serialized() else { return 0 }  // e.g. a value over 4 GiB cannot exist here
        guard let reread = try? DICOMFile(bytes: written, configuration: configuration) else {
            fatalError("cannot read back what we wrote")
        }
        guard let rewritten = try? reread.serialized(), rewritten == written else {
            fatalError("rewrite is not stable")
        }
    case (.failure, .failure):
        break
    default:
        fatalError("chunked and whole reading disagree on success")
    }
    return 0
}
