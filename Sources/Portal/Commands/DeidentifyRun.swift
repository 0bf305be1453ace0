import DICOM
import Foundation
import Glibc

/// The work of `portal dicom deidentify`: finds the files, streams each through a
/// `DeidentificationPipeline` into the output folder and counts what happened.
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

    let deidentifier: Deidentifier
    let centre: String
    /// Where files are written; `nil` for a dry run that writes nothing.
    let outputFolder: String?
    let chunkSize: Int

    /// De-identifies every input file, and every file under every input folder.
    func run(inputs: [String]) throws -> Summary {
        let start = ContinuousClock.now
        var summary = Summary()
        let manager = FileManager.default
        if let outputFolder { try manager.createDirectory(atPath: outputFolder, withIntermediateDirectories: true) }
        let outputURL = outputFolder.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath() }
        for input in inputs {
            for (source, relative) in files(under: input, skipping: outputURL) {
                deidentify(source: source, relative: relative, into: &summary)
            }
        }
        let elapsed = ContinuousClock.now - start
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// The regular files of an input with the path to keep below the output folder, sorted.
    func files(under input: String, skipping outputURL: URL?) -> [(URL, String)] {
        let url = URL(fileURLWithPath: input).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            return [(url, url.lastPathComponent)]  // reported as unreadable
        }
        guard isFolder.boolValue else { return [(url, url.lastPathComponent)] }
        let base = url.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(
            at: url.resolvingSymlinksInPath(), includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey])
        else { return [] }
        var found: [(URL, String)] = []
        for case let file as URL in enumerator {
            let resolved = file.resolvingSymlinksInPath()
            if resolved.path == outputURL?.path {
                enumerator.skipDescendants()
                continue
            }
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var relative = String(resolved.path.dropFirst(base.count))
            while relative.hasPrefix("/") { relative.removeFirst() }
            found.append((resolved, relative))
        }
        return found.sorted { $0.1 < $1.1 }
    }

    /// Streams one file through the pipeline into `<out>/<relative>`, via a temporary name that is
    /// fsynced and renamed only when the whole file was de-identified.
    func deidentify(source: URL, relative: String, into summary: inout Summary) {
        let target = outputFolder.map { URL(fileURLWithPath: $0).appendingPathComponent(relative) }
        let temporary = target.map {
            $0.deletingLastPathComponent().appendingPathComponent(".\($0.lastPathComponent).partial")
        }
        do {
            let input = open(source.path, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else {
                summary.refusals.append(Refusal(path: relative, reason: "cannot be read"))
                return
            }
            defer { close(input) }
            var output: Int32 = -1
            if let target, let temporary {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                output = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard output >= 0 else {
                    summary.refusals.append(Refusal(path: relative, reason: "cannot write to the output folder"))
                    return
                }
            }
            defer { if output >= 0 { close(output) } }
            var pipeline = DeidentificationPipeline(deidentifier: deidentifier, centre: centre)
            let descriptor = output
            let write: (ArraySlice<UInt8>) throws -> Void = { bytes in
                if descriptor >= 0 { try Self.writeAll(bytes, to: descriptor) }
            }
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                guard count >= 0 else { throw DeidentifyRunError.io }
                if count == 0 { break }
                summary.bytesRead += count
                try pipeline.feed(buffer[0..<count], output: write)
            }
            try pipeline.finish(output: write)
            if let target, let temporary {
                guard fsync(output) == 0 else { throw DeidentifyRunError.io }
                let closed = close(output)
                output = -1
                guard closed == 0, rename(temporary.path, target.path) == 0 else { throw DeidentifyRunError.io }
            }
            summary.written += 1
            if let pseudonym = pipeline.pseudonym { summary.patients.insert(pseudonym) }
        } catch {
            if let temporary { unlink(temporary.path) }
            summary.refusals.append(Refusal(path: relative, reason: Self.reason(for: error)))
        }
    }

    /// Writes every byte, retrying short writes.
    static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw DeidentifyRunError.io
                }
                offset += written
            }
        }
    }

    /// A reason safe to print: our error types never hold values; anything else is named by type only.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as DeidentificationError: error.description
        case let error as DICOMError: error.description
        case DeidentifyRunError.io: "input/output error (\(String(cString: strerror(errno))))"
        default: "input/output error (\(type(of: error)))"
        }
    }
}

/// A failed read, write, fsync or rename; `errno` says which.
enum DeidentifyRunError: Error {
    case io
}
