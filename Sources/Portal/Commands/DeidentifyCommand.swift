import ArgumentParser
import DICOM
import Foundation

/// `portal dicom deidentify --key-file F --centre C --out DIR INPUT…`: de-identifies DICOM files and
/// folders with the same profile and keys as the server (PS3.15 Table E.1-1, Basic Profile with Retain
/// Longitudinal Temporal Information with Modified Dates, Retain Patient Characteristics, Clean
/// Descriptors, Clean Structured Content and Clean Graphics; README, "De-identification").
///
/// Folders are searched recursively (names starting with a dot skipped) and their relative paths kept
/// under `--out`; with several inputs each keeps its path below the folder they share, so equal names
/// never meet. Each file streams through in bounded memory into a temporary name; the outputs are made
/// durable in batches (one sync per batch, see `DeidentifyRun`) and only then renamed into place, so a
/// refused file, or a run killed at any moment, leaves no partial file under a final name. A summary is
/// printed; the exit status is 1 if any file was refused, each refusal
/// naming the file and the reason (reasons never quote values from the file). The key is never printed.
/// `--dry-run` reads and de-identifies everything but writes nothing: a centre can check its files
/// before sending them, and an operator can time the de-identification without disk writes.
struct DeidentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deidentify",
        abstract: "De-identify DICOM files and folders (PS3.15 Basic Profile with keyed pseudonyms)."
    )

    /// Environment variable naming the key file when `--key-file` is absent.
    static let keyFileVariable = "PORTAL_DEID_KEY_FILE"
    /// Environment variable holding the key itself (hex) when no key file is given.
    static let keyVariable = "PORTAL_DEID_KEY"

    @Option(help: "File holding the operator's secret key (64+ hex digits, or 32+ raw bytes). Default: $PORTAL_DEID_KEY_FILE, or the key in $PORTAL_DEID_KEY.")
    var keyFile: String?

    @Option(help: "Identifier of the centre the files come from; part of each patient pseudonym.")
    var centre: String

    @Option(help: "Folder the de-identified files are written to (created if missing).")
    var out: String?

    @Flag(help: "Check and time the de-identification without writing anything (--out not needed).")
    var dryRun = false

    @Flag(help: "Keep device identity (serial numbers, station names): Retain Device Identity Option.")
    var retainDeviceIdentity = false

    @Flag(help: "Remove descriptions (Study Description, Protocol Name…) instead of keeping them cleaned of identifying parts.")
    var removeDescriptors = false

    @Option(help: "Bytes read per chunk.")
    var chunkSize = 1 << 20

    @Argument(help: "DICOM files or folders.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input file or folder") }
        guard !centre.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--centre is empty") }
        guard out != nil || dryRun else { throw ValidationError("give --out DIR, or --dry-run") }
        guard chunkSize >= 4096 else { throw ValidationError("--chunk-size must be at least 4096") }
    }

    func run() async throws {
        let key = try loadKey(environment: ProcessInfo.processInfo.environment)
        var configuration = Deidentifier.Configuration()
        if retainDeviceIdentity { configuration.options.insert(.retainDeviceIdentity) }
        if removeDescriptors { configuration.descriptors = .removed }
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: key), configuration: configuration)
        let runner = DeidentifyRun(deidentifier: deidentifier, centre: centre, outputFolder: dryRun ? nil : out, chunkSize: chunkSize)
        let summary = try runner.run(inputs: inputs)
        print(summary.text)
        for refusal in summary.refusals {
            FileHandle.standardError.write(Data("refused \(refusal.path): \(refusal.reason)\n".utf8))
        }
        if !summary.refusals.isEmpty { throw ExitCode(1) }
    }

    /// The key from `--key-file`, then `$PORTAL_DEID_KEY_FILE`, then `$PORTAL_DEID_KEY`.
    func loadKey(environment: [String: String]) throws -> PseudonymisationKey {
        let path = keyFile ?? environment[Self.keyFileVariable]
        let contents: [UInt8]
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the key file \(path)")
            }
            contents = [UInt8](data)
        } else if let text = environment[Self.keyVariable] {
            contents = Array(text.utf8)
        } else {
            throw ValidationError("no key: give --key-file, or set \(Self.keyFileVariable) or \(Self.keyVariable)")
        }
        do {
            return try PseudonymisationKey(parsing: contents)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
