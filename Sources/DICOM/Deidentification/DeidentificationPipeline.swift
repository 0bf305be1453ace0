/// Reader → de-identifier → writer over one instance, chunk by chunk: Part 10 bytes in, de-identified
/// Part 10 bytes out, in bounded memory (the header data set is held; pixel data streams through).
///
/// ```swift
/// var pipeline = DeidentificationPipeline(deidentifier: deidentifier, centre: "C01")
/// for chunk in chunks { try pipeline.feed(chunk) { write($0) } }
/// try pipeline.finish { write($0) }
/// ```
public struct DeidentificationPipeline {
    private var reader: StreamReader
    private var stream: DeidentificationStream
    private var writer: StreamWriter

    /// The patient's pseudonym, once the header has passed.
    public var pseudonym: Pseudonym? { stream.pseudonym }
    /// Whether burned-in annotation is being blanked.
    public var isPixelDataBlanked: Bool { stream.isPixelDataBlanked }

    /// Creates a pipeline for one instance.
    /// - Parameters:
    ///   - deidentifier: The profile, keys and rules.
    ///   - centre: The sending centre's identifier.
    ///   - reader: The reader's limits.
    ///   - writer: The writer's choices.
    public init(
        deidentifier: Deidentifier, centre: String, reader: StreamReader.Configuration = .init(),
        writer: StreamWriter.Configuration = .init()
    ) {
        self.reader = StreamReader(configuration: reader)
        self.stream = DeidentificationStream(deidentifier: deidentifier, centre: centre)
        self.writer = StreamWriter(configuration: writer)
    }

    /// Consumes the next chunk of input and passes any output bytes to `output`.
    /// - Throws: `DICOMError` for unreadable input, `DeidentificationError` for a refused instance.
    public mutating func feed(_ chunk: ArraySlice<UInt8>, output: (ArraySlice<UInt8>) throws -> Void) throws {
        var stream = self.stream
        var writer = self.writer
        defer {
            self.stream = stream
            self.writer = writer
        }
        try reader.feed(chunk) { event in
            try stream.process(event) { try writer.write($0, to: output) }
        }
    }

    /// Input bytes that may bypass the pipeline: the next `count` bytes of the input are the rest of a bulk
    /// value (pixel data, typically) that goes to the output unchanged (`copy`) or not at all (`drop`).
    public enum Bypass: Sendable, Equatable {
        /// Write these input bytes to the output as they are, right after what the pipeline wrote.
        case copy(count: Int)
        /// Skip these input bytes.
        case drop(count: Int)

        /// The number of input bytes.
        public var count: Int {
            switch self {
            case .copy(let count), .drop(let count): count
            }
        }
    }

    /// The bypass open now, if any: a caller reading a file can then copy the bytes in the kernel
    /// (`copy_file_range(2)`) or seek past them, instead of reading and feeding them. `nil` when the next
    /// bytes must be fed (a header, a deflated or big endian data set, pixel data being blanked).
    public var bypass: Bypass? {
        let count = reader.skippableBulkCount
        guard count > 0, let isUnchanged = stream.isPassingBulkUnchanged else { return nil }
        return isUnchanged ? .copy(count: count) : .drop(count: count)
    }

    /// Takes the open bypass: passes what the pipeline holds to `output`, calls `copy` with the number of
    /// input bytes to write to the output as they are (for `.copy`), then carries on as if those bytes had
    /// been fed.
    /// - Throws: As `feed(_:output:)`, and whatever `copy` throws.
    public mutating func takeBypass(
        output: (ArraySlice<UInt8>) throws -> Void, copy: (Int) throws -> Void
    ) throws {
        guard let bypass else { return }
        var stream = self.stream
        var writer = self.writer
        defer {
            self.stream = stream
            self.writer = writer
        }
        try writer.flush(output)
        if case .copy(let count) = bypass { try copy(count) }
        try reader.skipBulk(bypass.count) { event in
            try stream.process(event) { try writer.write($0, to: output) }
        }
    }

    /// Ends the input and passes the remaining output bytes to `output`.
    /// - Throws: As `feed(_:output:)`.
    public mutating func finish(output: (ArraySlice<UInt8>) throws -> Void) throws {
        var stream = self.stream
        var writer = self.writer
        defer {
            self.stream = stream
            self.writer = writer
        }
        try reader.finish { event in
            try stream.process(event) { try writer.write($0, to: output) }
        }
    }

    /// De-identifies a whole file held in memory.
    /// - Throws: As `feed(_:output:)`.
    public static func deidentify(
        _ bytes: [UInt8], deidentifier: Deidentifier, centre: String, chunkSize: Int = 256 * 1024
    ) throws -> [UInt8] {
        var pipeline = DeidentificationPipeline(deidentifier: deidentifier, centre: centre)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1024)
        var start = 0
        repeat {
            let end = min(bytes.count, start + max(1, chunkSize))
            try pipeline.feed(bytes[start..<end]) { out.append(contentsOf: $0) }
            start = end
        } while start < bytes.count
        try pipeline.finish { out.append(contentsOf: $0) }
        return out
    }
}
