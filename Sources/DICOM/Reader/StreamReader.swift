/// The streaming DICOM reader: feed it a Part 10 file or a bare data set chunk by chunk, in any sizes, and
/// it reports `StreamEvent`s in bounded memory (PS3.10 §7, PS3.5 §7-§10).
///
/// ```swift
/// var reader = StreamReader()
/// for chunk in chunks { try reader.feed(chunk) { event in handle(event) } }
/// try reader.finish { event in handle(event) }
/// ```
/// Leniency follows pydicom and dcmtk: the preamble and the file meta group may be missing, an explicit
/// syntax that is actually implicit (or the reverse) is detected from the first element, odd lengths are
/// kept, a UN element holding a sequence is parsed as one. Anything else stops with a `DICOMError` giving
/// the byte offset, tag and reason. A reader holds a zlib stream for deflated data: do not copy one that
/// is in use.
public struct StreamReader {
    /// Limits and choices of the reader.
    public struct Configuration: Sendable {
        /// Top-level values longer than this are streamed as bulk events; Pixel Data always is.
        /// Default 1 MiB.
        public var bulkThreshold: Int = 1 << 20
        /// Largest element held whole (a top-level non-bulk element with all its items, or one value
        /// inside a sequence). Default 64 MiB.
        public var maximumElementLength: Int = 64 << 20
        /// Deepest nesting of sequences. Default 32.
        public var maximumDepth: Int = 32
        /// Most elements (items and fragments included) in one stream. Default 1 000 000.
        public var maximumElementCount: Int = 1_000_000
        /// Largest file meta group (with the preamble) accepted; real ones are a few hundred bytes.
        /// Default 64 KiB.
        public var maximumFileMetaLength: Int = 64 * 1024
        /// Most bytes a deflated data set may inflate to, against decompression bombs. Default 4 GiB.
        public var maximumInflatedLength: Int = 4 << 30
        /// Transfer syntax of a bare data set (no file meta group); `nil` guesses it from the first bytes.
        public var bareTransferSyntax: TransferSyntax?
        /// Whether to refuse a stream without the 128-byte preamble and `DICM`. Default false.
        public var requiresPreamble = false

        /// The defaults.
        public init() {}
    }

    private enum Stage {
        case start
        case meta(FileHeader)
        case dataSet(DataSetParser, Inflater?)
    }

    private let configuration: Configuration
    private var stage = Stage.start
    private var buffer: [UInt8] = []

    /// Creates a reader.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Consumes the next chunk of the stream and reports the events it completes.
    /// - Throws: `DICOMError` when the stream is not valid DICOM or exceeds a limit.
    public mutating func feed(_ chunk: [UInt8], emit: (StreamEvent) throws -> Void) throws {
        try feed(chunk[...], emit: emit)
    }

    /// Consumes the next chunk of the stream and reports the events it completes.
    /// - Throws: `DICOMError` when the stream is not valid DICOM or exceeds a limit.
    public mutating func feed(_ chunk: ArraySlice<UInt8>, emit: (StreamEvent) throws -> Void) throws {
        if case .dataSet(var parser, let inflater) = stage {
            stage = .start
            defer { stage = .dataSet(parser, inflater) }
            if let inflater {
                try inflater.inflate(chunk) { try parser.feed($0, emit: emit) }
            } else {
                try parser.feed(chunk, emit: emit)
            }
            return
        }
        if buffer.isEmpty {
            try advanceHeader(chunk, isFinal: false, emit: emit)
        } else {
            buffer.append(contentsOf: chunk)
            let data = buffer[...]
            buffer = []
            try advanceHeader(data, isFinal: false, emit: emit)
        }
    }

    /// The next bytes of the stream that the caller may skip instead of feeding: they are the rest of a
    /// bulk value (or pixel data fragment) that would be passed on unchanged, in a data set that is not
    /// deflated or big endian, and nothing fed earlier waits. 0 otherwise.
    ///
    /// A caller that copies those bytes itself (say with `copy_file_range(2)`) never reads them.
    public var skippableBulkCount: Int {
        guard case .dataSet(let parser, nil) = stage else { return 0 }
        return parser.skippableBulkCount
    }

    /// Skips `count` of the bytes `skippableBulkCount` allows, as if they had been fed: no `bulkBytes` are
    /// reported for them, and `bulkEnd` is when they end the value.
    public mutating func skipBulk(_ count: Int, emit: (StreamEvent) throws -> Void) throws {
        guard case .dataSet(var parser, nil) = stage else {
            preconditionFailure("skips only what skippableBulkCount allows")
        }
        stage = .start
        defer { stage = .dataSet(parser, nil) }
        try parser.skipBulk(count, emit: emit)
    }

    /// Ends the stream: reports what remains and `end`.
    /// - Throws: `DICOMError` if the stream ends inside an element or before any data set.
    public mutating func finish(emit: (StreamEvent) throws -> Void) throws {
        if case .dataSet = stage {} else {
            let data = buffer[...]
            buffer = []
            try advanceHeader(data, isFinal: true, emit: emit)
        }
        guard case .dataSet(var parser, let inflater) = stage else {
            throw DICOMError(.truncated, offset: buffer.count, "stream ends inside the file meta group")
        }
        if let inflater {
            try inflater.finish { try parser.feed($0, emit: emit) }
        }
        try parser.finish(emit: emit)
        stage = .dataSet(parser, inflater)
    }

    /// Reads the preamble and file meta group from `data` (everything from the start of the stream), then
    /// hands the rest to the data set parser. While incomplete, `data` is kept in `buffer`.
    private mutating func advanceHeader(
        _ data: ArraySlice<UInt8>, isFinal: Bool, emit: (StreamEvent) throws -> Void
    ) throws {
        let start = data.startIndex
        var header: FileHeader
        switch stage {
        case .start:
            guard data.count >= 132 || isFinal else {
                buffer = Array(data)
                return
            }
            let hasPreamble = data.count >= 132 && data[(start + 128)..<(start + 132)].elementsEqual("DICM".utf8)
            if !hasPreamble && configuration.requiresPreamble {
                throw DICOMError(.notDICOM, offset: 128, "no DICM prefix after the 128-byte preamble (PS3.10 §7.1)")
            }
            header = FileHeader(meta: DataSet(), transferSyntax: .implicitVRLittleEndian, hasPreamble: hasPreamble)
            stage = .meta(header)
        case .meta(let waiting):
            header = waiting
        case .dataSet:
            return
        }
        let metaStart = start + (header.hasPreamble ? 132 : 0)
        var index = metaStart
        let end = data.endIndex
        var parser = ElementParser(
            data: data, baseOffset: 0, isFinal: isFinal, configuration: configuration, elementCount: 0)
        // Parsed from the start each time until complete: the meta group is small and bounded.
        var meta = DataSet()
        do {
            var syntax = Syntax.explicitLittle
            while index + 2 <= end, data[index] == 0x02, data[index + 1] == 0x00 {
                if meta.isEmpty { syntax = parser.sniff(index, syntax: syntax, limit: end) }
                let elementHeader = try parser.header(index, syntax: syntax, limit: end)
                let (element, after) = try parser.element(
                    index, header: elementHeader, syntax: syntax, depth: 0, limit: end)
                meta.set(element)
                index = after
            }
            if !isFinal && index + 2 > end { throw NeedMoreInput() }
            // Guessing the transfer syntax looks at the first 6 bytes of the data set.
            let namesSyntax = !(meta[.transferSyntaxUID]?.string() ?? "").isEmpty
            if !isFinal && !namesSyntax && end - index < 6 { throw NeedMoreInput() }
        } catch is NeedMoreInput {
            if data.count > configuration.maximumFileMetaLength {
                throw DICOMError(
                    .limitExceeded, offset: metaStart - start,
                    "file meta group longer than \(configuration.maximumFileMetaLength) bytes")
            }
            buffer = Array(data)
            return
        }
        if !header.hasPreamble && meta.isEmpty && configuration.bareTransferSyntax == nil && end - index >= 2 {
            // A bare data set starts with a low group number (0008, 0010...), so one of its first two bytes
            // is zero; text and most other files do not, and are better refused as such than reported as
            // a truncated element.
            let little = UInt16(data[index]) | UInt16(data[index + 1]) << 8
            if min(little, little.byteSwapped) >= 0x0100 {
                throw DICOMError(
                    .notDICOM, offset: 0,
                    "no preamble, no file meta group, and no data set element at the start of the stream")
            }
        }
        header.meta = meta
        header.transferSyntax = transferSyntax(meta: meta, dataSet: data[index...])
        try emit(.header(header))
        var dataSetParser = DataSetParser(
            syntax: Syntax(header.transferSyntax), offset: index - start, configuration: configuration)
        let rest = data[index...]
        if header.transferSyntax.isDeflated {
            let inflater = try Inflater(maximumOutput: configuration.maximumInflatedLength)
            try inflater.inflate(rest) { try dataSetParser.feed($0, emit: emit) }
            stage = .dataSet(dataSetParser, inflater)
        } else {
            try dataSetParser.feed(rest, emit: emit)
            stage = .dataSet(dataSetParser, nil)
        }
    }

    /// The transfer syntax named by the meta group, or guessed from the first data set bytes when there is
    /// no usable one (as pydicom does): big endian if the group number reads that way, explicit if the
    /// bytes after the tag are a known VR.
    private func transferSyntax(meta: DataSet, dataSet: ArraySlice<UInt8>) -> TransferSyntax {
        if let uid = meta[.transferSyntaxUID]?.string(), !uid.isEmpty {
            return TransferSyntax(uid: uid)
        }
        if meta.isEmpty, let bare = configuration.bareTransferSyntax { return bare }
        guard dataSet.count >= 6 else { return .implicitVRLittleEndian }
        let start = dataSet.startIndex
        let isBigEndian = dataSet[start] == 0 && dataSet[start + 1] != 0
        let isExplicit = VR(dataSet[start + 4], dataSet[start + 5]).isKnown
        switch (isExplicit, isBigEndian) {
        case (true, true): return .explicitVRBigEndian
        case (true, false): return .explicitVRLittleEndian
        default: return .implicitVRLittleEndian
        }
    }
}
