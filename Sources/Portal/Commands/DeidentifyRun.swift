import DICOM
import Foundation
import Glibc
import Storage

/// The work of `portal dicom deidentify`: finds the files, streams each through a
/// `DeidentificationPipeline` into a `DurableBatch` in the output folder and counts what happened.
///
/// Durability per batch, not per file: each output is written to a temporary in the batch's staging
/// folder (`<out>/.staging-…`); every `batchFileLimit` files or `batchByteLimit` bytes, and at the end, the
/// batch is made durable with one sync and its files renamed into place. A refused file's temporary is
/// removed at once; a killed run leaves no file under a final name that is not complete and durable, and
/// the next run into the same folder sweeps its staging folder. The per-file path makes only POSIX calls
/// (no `FileManager`): open, read, write, close of the two files, and folders are created once per run.
struct DeidentifyRun {
    /// One refused file and why (the reason quotes no value from the file).
    struct Refusal: Equatable {
        var path: String
        var reason: String
    }

    /// What a run did.
    struct Summary {
        var written = 0
        var bytesRead = 0
        /// Input bytes copied to the output (or skipped) by the kernel without being read.
        var bytesBypassed = 0
        var patients = Set<Pseudonym>()
        var refusals: [Refusal] = []
        var seconds = 0.0

        /// One line for the terminal.
        var text: String {
            let megabytes = Double(bytesRead) / 1_000_000
            let rate = seconds > 0 ? megabytes / seconds : 0
            return "de-identified \(written) file(s), \(patients.count) patient(s), "
                + String(format: "%.1f MB in %.2f s (%.0f MB/s)", megabytes, seconds, rate)
                + "; refused \(refusals.count)"
        }
    }

    /// Files staged in the current batch, counted as written once it commits.
    private struct Pending {
        var relativePaths: [String] = []
        var patients: [Pseudonym] = []
        var bytes = 0
    }

    let deidentifier: Deidentifier
    let centre: String
    /// Where files are written; `nil` for a dry run that writes nothing.
    let outputFolder: String?
    /// Bytes read per chunk.
    let chunkSize: Int
    /// Files made durable together, at most. Default 4096.
    var batchFileLimit = 4096
    /// Output bytes made durable together, at most (the work a killed run loses, and the dirty pages one
    /// sync writes back). Default 1 GiB.
    var batchByteLimit = 1 << 30

    /// De-identifies every input file, and every file under every input folder.
    func run(inputs: [String]) throws -> Summary {
        let start = ContinuousClock.now
        var summary = Summary()
        var batch: DurableBatch?
        if let outputFolder {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
            DurableBatch.sweepOrphans(in: outputFolder)
            var configuration = DurableBatch.Configuration()
            configuration.filePermissions = 0o644
            configuration.folderPermissions = 0o755
            batch = try DurableBatch(stagingIn: outputFolder, configuration: configuration)
        }
        let skipped = outputFolder.flatMap(InputWalk.Identity.init(path:))
        var pending = Pending()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var duplicates: [InputWalk.File] = []
        for file in InputWalk.files(of: inputs, skipping: skipped, duplicates: &duplicates) {
            deidentify(file, batch: batch, buffer: &buffer, pending: &pending, into: &summary)
            if pending.relativePaths.count >= batchFileLimit || pending.bytes >= batchByteLimit {
                commit(batch, pending: &pending, into: &summary)
            }
        }
        for file in duplicates {
            summary.refusals.append(Refusal(path: file.relative, reason: "another input has the same output path"))
        }
        commit(batch, pending: &pending, into: &summary)
        let elapsed = ContinuousClock.now - start
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Streams one file through the pipeline into a temporary of `batch` and stages it at
    /// `<out>/<relative>`; a refused file's temporary is discarded at once.
    private func deidentify(
        _ source: InputWalk.File, batch: DurableBatch?, buffer: inout [UInt8], pending: inout Pending,
        into summary: inout Summary
    ) {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            summary.refusals.append(Refusal(path: source.relative, reason: "cannot be read"))
            return
        }
        defer { close(input) }
        let output: DurableBatch.File?
        do {
            output = try batch?.makeFile()
        } catch {
            summary.refusals.append(Refusal(path: source.relative, reason: "cannot write to the output folder"))
            return
        }
        do {
            var pipeline = DeidentificationPipeline(deidentifier: deidentifier, centre: centre)
            let write: (ArraySlice<UInt8>) throws -> Void = { bytes in
                try bytes.withUnsafeBytes { try output?.write($0) }
            }
            // Small reads until the header has passed, so that the pixel data is not read at all: the kernel
            // copies it to the output (or skips it, when it is removed) once the pipeline opens a bypass.
            var position: Int64 = 0
            var readSize = min(Self.headerReadSize, buffer.count)
            var status = stat()
            // A pipe or a device is read as it comes: no positioned reads, no copy by the kernel.
            let isRegularFile = fstat(input, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
            if !isRegularFile { readSize = buffer.count }
            while true {
                if isRegularFile, let bypass = pipeline.bypass {
                    try pipeline.takeBypass(output: write) { count in
                        try output?.append(from: input, at: position, count: count)
                    }
                    position += Int64(bypass.count)
                    summary.bytesRead += bypass.count
                    summary.bytesBypassed += bypass.count
                    readSize = buffer.count
                    continue
                }
                let count = buffer.withUnsafeMutableBytes {
                    isRegularFile ? pread(input, $0.baseAddress, readSize, off_t(position)) : read(input, $0.baseAddress, readSize)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw DeidentifyRunError.io
                }
                if count == 0 { break }
                position += Int64(count)
                summary.bytesRead += count
                readSize = min(2 * readSize, buffer.count)
                try pipeline.feed(buffer[0..<count], output: write)
            }
            try pipeline.finish(output: write)
            if let batch, let output, let outputFolder {
                try batch.stage(output, at: outputFolder + "/" + source.relative)
                pending.relativePaths.append(source.relative)
                pending.bytes += Int(output.size)
                if let pseudonym = pipeline.pseudonym { pending.patients.append(pseudonym) }
            } else {
                summary.written += 1
                if let pseudonym = pipeline.pseudonym { summary.patients.insert(pseudonym) }
            }
        } catch {
            if let output { batch?.discard(output) }
            summary.refusals.append(Refusal(path: source.relative, reason: Self.reason(for: error)))
        }
    }

    /// The first read of each file: enough for most headers (a CT slice's is a few KiB), so that its pixel
    /// data is copied by the kernel rather than read; larger headers take doubling reads.
    static let headerReadSize = 16 * 1024

    /// Makes the staged files durable and visible; if that fails, each of them is reported refused.
    private func commit(_ batch: DurableBatch?, pending: inout Pending, into summary: inout Summary) {
        guard let batch, !pending.relativePaths.isEmpty else { return }
        do {
            try batch.commit()
            summary.written += pending.relativePaths.count
            summary.patients.formUnion(pending.patients)
        } catch {
            let reason = Self.reason(for: error)
            summary.refusals += pending.relativePaths.map { Refusal(path: $0, reason: reason) }
        }
        pending = Pending()
    }

    /// A reason safe to print: our error types never hold values; anything else is named by type only.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as DeidentificationError: error.description
        case let error as DICOMError: error.description
        case let error as BlobStoreError where error.errorNumber != 0:
            "input/output error (\(error.operation): \(String(cString: strerror(error.errorNumber))))"
        case DeidentifyRunError.io: "input/output error (\(String(cString: strerror(errno))))"
        default: "input/output error (\(type(of: error)))"
        }
    }
}

/// A failed read; `errno` says why.
enum DeidentifyRunError: Error {
    case io
}
