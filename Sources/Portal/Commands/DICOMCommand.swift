import ArgumentParser
import DICOM
import Foundation

/// `portal dicom`: tools for centres and operators working with DICOM files.
struct DICOMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dicom",
        abstract: "Inspect and de-identify DICOM files.",
        subcommands: [DumpCommand.self]
    )
}

/// `portal dicom dump FILE`: a readable listing of a DICOM file, like dcmtk's `dcmdump`.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "List the elements of a DICOM file (Part 10 or bare data set)."
    )

    @Argument(help: "The DICOM file to list.")
    var file: String

    @Flag(help: "Print the JSON that scripts/dicom-compare.py compares with pydicom instead of a listing.")
    var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let dicom: DICOMFile
        do {
            dicom = try DICOMFile(bytes: [UInt8](data))
        } catch let error as DICOMError {
            FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(json ? ComparisonDump.json(of: dicom) : Listing.text(of: dicom), terminator: json ? "\n" : "")
    }
}
