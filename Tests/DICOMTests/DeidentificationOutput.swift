@testable import DICOM

/// The bytes a de-identified instance is written as, for searching planted values.
enum DeidentificationOutput {
    static func bytes(of result: Deidentifier.Result) throws -> [UInt8] {
        DeidentificationCorpus.valueBytes(result.meta) + DeidentificationCorpus.valueBytes(result.dataSet)
    }
}
