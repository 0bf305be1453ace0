/// A whole DICOM file in memory: its header (file meta group and transfer syntax) and data set.
///
/// For files that fit in memory (tests, the `dump` command, small objects). Ingest uses `StreamReader`
/// and `StreamWriter` directly so that pixel data is never held whole.
public struct DICOMFile: Sendable, Equatable {
    /// The file meta group and the transfer syntax of the data set.
    public var header: FileHeader
    /// The data set, bulk values included as `.bytes` or `.encapsulated`.
    public var dataSet: DataSet

    /// Creates a file from its parts.
    public init(header: FileHeader, dataSet: DataSet) {
        self.header = header
        self.dataSet = dataSet
    }

    /// Reads a whole file (Part 10 or a bare data set).
    /// - Throws: `DICOMError` as `StreamReader` does.
    public init(bytes: [UInt8], configuration: StreamReader.Configuration = .init()) throws {
        var reader = StreamReader(configuration: configuration)
        var collector = DataSetCollector()
        try reader.feed(bytes) { try collector.collect($0) }
        try reader.finish { try collector.collect($0) }
        guard let header = collector.header else {
            throw DICOMError(.truncated, "stream ended before its header")
        }
        self.init(header: header, dataSet: collector.dataSet)
    }

    /// Encodes the file as Part 10 with `StreamWriter`.
    /// - Throws: `DICOMError` if a value cannot be encoded.
    public func serialized(configuration: StreamWriter.Configuration = .init()) throws -> [UInt8] {
        var writer = StreamWriter(configuration: configuration)
        var output: [UInt8] = []
        let sink: (ArraySlice<UInt8>) throws -> Void = { output.append(contentsOf: $0) }
        try writer.write(.header(header), to: sink)
        for element in dataSet { try writer.write(.element(element), to: sink) }
        try writer.write(.end, to: sink)
        return output
    }
}

/// Assembles stream events back into a data set, reassembling bulk values in memory.
public struct DataSetCollector: Sendable {
    /// The header, once seen.
    public private(set) var header: FileHeader?
    /// The elements collected so far.
    public private(set) var dataSet = DataSet()
    /// Whether `end` was seen.
    public private(set) var isComplete = false

    private var bulk: (tag: Tag, vr: VR, bytes: [UInt8], fragments: [[UInt8]], isEncapsulated: Bool)?

    /// Creates an empty collector.
    public init() {}

    /// Takes in one event.
    /// - Throws: `DICOMError` with code `invalidUse` if events arrive out of order.
    public mutating func collect(_ event: StreamEvent) throws {
        switch event {
        case .header(let header): self.header = header
        case .element(let element): dataSet.set(element)
        case .bulkStart(let tag, let vr, let value):
            bulk = (tag, vr, [], [], value.isEncapsulated)
            // The declared length is peer input: reserve at most 16 MiB up front, let appends grow the rest.
            if let length = value.length { bulk?.bytes.reserveCapacity(min(Int(length), 16 << 20)) }
        case .fragmentStart:
            guard bulk != nil else { throw DICOMError(.invalidUse, "fragment outside a bulk value") }
            bulk?.fragments.append([])
        case .bulkBytes(let bytes):
            guard let current = bulk else { throw DICOMError(.invalidUse, "bytes outside a bulk value") }
            if current.isEncapsulated {
                guard !current.fragments.isEmpty else { throw DICOMError(.invalidUse, "bytes before a fragment") }
                bulk?.fragments[current.fragments.count - 1].append(contentsOf: bytes)
            } else {
                bulk?.bytes.append(contentsOf: bytes)
            }
        case .bulkEnd:
            guard let current = bulk else { throw DICOMError(.invalidUse, "bulk end without start") }
            bulk = nil
            if current.isEncapsulated {
                let pixels = EncapsulatedPixelData(
                    basicOffsetTable: current.fragments.first ?? [], fragments: Array(current.fragments.dropFirst()))
                dataSet.set(Element(tag: current.tag, vr: current.vr, value: .encapsulated(pixels)))
            } else {
                dataSet.set(Element(tag: current.tag, vr: current.vr, bytes: current.bytes))
            }
        case .end:
            isComplete = true
        }
    }
}
