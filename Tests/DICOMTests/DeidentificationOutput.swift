@testable import DICOM

/// Writes instances the way the portal does, for searching planted values in real output bytes.
enum DeidentificationOutput {
    /// A whole-mode result written as Part 10 by `StreamWriter`.
    static func bytes(of result: Deidentifier.Result) throws -> [UInt8] {
        let header = FileHeader(meta: result.meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true)
        return try DICOMFile(header: header, dataSet: result.dataSet).serialized()
    }

    /// An instance written as an input file (explicit VR little endian Part 10).
    static func file(_ dataSet: DataSet) throws -> [UInt8] {
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let header = FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true)
        return try DICOMFile(header: header, dataSet: dataSet).serialized()
    }
}
