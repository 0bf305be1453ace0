// Streaming de-identification of a series on one thread: for each file, chunks read from disk go through
// our reader → de-identifier → writer and the output is written to disk as it is produced, so no file is
// ever held whole. The counterpart of dcmodify and Orthanc's anonymisation in run.sh's dicom benchmark.
//
// Usage: deid-bench (--out DIR | --discard) [--chunk BYTES] [--centre NAME] SERIES_DIR
// With --discard the output bytes are counted and dropped, which measures the library without the
// filesystem's cost of writing them (the input is still read from files, in chunks).
// Prints: RESULT files=N bytes_in=B bytes_out=B seconds=S MBps=M   (MB/s of input bytes)
// The pseudonymisation key is random per run: the output is for measuring, not for keeping.

import DICOM
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure with a message for the runner's log.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// Parsed command-line options.
struct Options {
    var output = ""
    var discardsOutput = false
    var input = ""
    var chunkSize = 256 * 1024
    var centre = "BENCH"

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--out": output = iterator.next() ?? ""
            case "--discard": discardsOutput = true
            case "--chunk": chunkSize = Int(iterator.next() ?? "") ?? 0
            case "--centre": centre = iterator.next() ?? ""
            default: input = argument
            }
        }
        guard output.isEmpty == discardsOutput, !input.isEmpty, chunkSize > 0 else {
            throw BenchError(
                description: "usage: deid-bench (--out DIR | --discard) [--chunk BYTES] [--centre NAME] SERIES_DIR")
        }
    }
}

/// De-identifies one file from `inputPath` into `outputPath` (nil: discard), streaming; returns the bytes
/// written.
func deidentifyFile(
    _ inputPath: String, to outputPath: String?, deidentifier: Deidentifier, options: Options
) throws -> Int {
    let input = open(inputPath, O_RDONLY)
    guard input >= 0 else { throw BenchError(description: "cannot open \(inputPath): errno \(errno)") }
    defer { close(input) }
    let output = outputPath.map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } ?? -1
    if let outputPath, output < 0 { throw BenchError(description: "cannot create \(outputPath): errno \(errno)") }
    defer { if output >= 0 { close(output) } }

    var reader = StreamReader()
    var stream = DeidentificationStream(deidentifier: deidentifier, centre: options.centre)
    var writer = StreamWriter()
    var written = 0
    let sink: (ArraySlice<UInt8>) throws -> Void = { bytes in
        written += bytes.count
        guard output >= 0 else { return }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = write(output, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw BenchError(description: "write failed: errno \(errno)")
                }
                offset += count
            }
        }
    }
    let emit: (StreamEvent) throws -> Void = { event in
        try stream.process(event) { try writer.write($0, to: sink) }
    }
    while true {
        // A fresh buffer per chunk: events may hand slices of it on (no copy).
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: options.chunkSize) { buffer, count in
            let result = read(input, buffer.baseAddress!, options.chunkSize)
            if result < 0 { failure = errno }
            count = max(result, 0)
        }
        guard failure == 0 else { throw BenchError(description: "read failed: errno \(failure)") }
        if chunk.isEmpty { break }
        try reader.feed(chunk, emit: emit)
    }
    try reader.finish(emit: emit)
    return written
}

func run() throws {
    let options = try Options(CommandLine.arguments)
    let files = try FileManager.default.contentsOfDirectory(atPath: options.input)
        .filter { $0.hasSuffix(".dcm") }.sorted()
    guard !files.isEmpty else { throw BenchError(description: "no .dcm files in \(options.input)") }
    var generator = SystemRandomNumberGenerator()
    let key = try PseudonymisationKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: key))

    var bytesIn = 0
    var bytesOut = 0
    let clock = ContinuousClock()
    let start = clock.now
    for name in files {
        let inputPath = options.input + "/" + name
        bytesOut += try deidentifyFile(
            inputPath, to: options.discardsOutput ? nil : options.output + "/" + name, deidentifier: deidentifier,
            options: options)
        var status = stat()
        if stat(inputPath, &status) == 0 { bytesIn += Int(status.st_size) }
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(
        "RESULT files=\(files.count) bytes_in=\(bytesIn) bytes_out=\(bytesOut) "
            + "seconds=\(String(format: "%.3f", seconds)) MBps=\(String(format: "%.0f", Double(bytesIn) / seconds / 1e6))")
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("deid-bench: \(error)\n".utf8))
    exit(1)
}
