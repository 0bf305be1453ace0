// libFuzzer entry point for the DICOM reader, compiled together with Sources/DICOM into one module by
// Fuzz/run-dicom-reader-fuzz.sh. Besides "no trap, no leak, no hang", a broken `ReadConsistency` rule
// (chunked = whole reading; write → read → write stable) traps, which libFuzzer reports as a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDICOMReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let violation = ReadConsistency.violation(in: bytes) { fatalError(violation) }
    return 0
}
