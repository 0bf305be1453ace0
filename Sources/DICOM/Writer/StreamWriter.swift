/// The streaming Part 10 writer: consumes `StreamEvent`s and emits a valid DICOM file as it goes
/// (PS3.10 §7.1, PS3.5 §A.2, §A.4).
///
/// Natively encoded data sets (implicit, explicit little or big endian, deflated) are written as explicit
/// VR little endian; encapsulated ones keep their transfer syntax and their fragments byte for byte. The
/// file meta group is rebuilt: Media Storage SOP Class/Instance UID follow the data set's SOP Class and
/// Instance UID (so a de-identified instance stays consistent), the transfer syntax is the one written,
/// the implementation identifies this writer, and the group length is recomputed. Retired group lengths
/// (gggg,0000) of other groups are recomputed too; in a group holding a bulk value they are dropped, since
/// the length is only known afterwards. Sequences and items are written with undefined length.
public struct StreamWriter {
    /// Choices of the writer.
    public struct Configuration: Sendable {
        /// Implementation Class UID (0002,0012) written in the file meta group.
        public var implementationClassUID = "2.25.92626595498299949847708745337333778627"
        /// Implementation Version Name (0002,0013), at most 16 characters.
        public var implementationVersionName = "PORTAL_0.1"
        /// Bytes gathered before they are passed to the sink, for fewer, larger writes. Default 64 KiB.
        public var flushThreshold = 64 * 1024

        /// The defaults.
        public init() {}
    }

    enum State {
        case awaitingHeader
        /// Data set elements held until the SOP Class and Instance UIDs are known.
        case awaitingSOPIdentity(FileHeader, [Element])
        case elements
        case bulk(tag: Tag, isEncapsulated: Bool, isOdd: Bool)
        case finished
    }

    let configuration: Configuration
    var state = State.awaitingHeader
    var output: [UInt8] = []
    /// A group whose length element must be written before it, once the group is complete.
    var heldGroup: (group: UInt16, bytes: [UInt8])?

    /// The transfer syntax being written; known after the header event.
    public private(set) var transferSyntax: TransferSyntax?

    /// Creates a writer.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Writes one event; encoded bytes are passed to `sink` (possibly as slices of the caller's bulk chunks).
    /// - Throws: `DICOMError` with code `invalidUse` for events out of order, or for unencodable values.
    public mutating func write(_ event: StreamEvent, to sink: (ArraySlice<UInt8>) throws -> Void) throws {
        switch (state, event) {
        case (.awaitingHeader, .header(let header)):
            let source = header.transferSyntax
            transferSyntax = source.isEncapsulated && !source.isDeflated ? source : .explicitVRLittleEndian
            state = .awaitingSOPIdentity(header, [])
        case (.awaitingSOPIdentity(let header, var held), .element(let element)):
            if element.tag <= .sopInstanceUID {
                held.append(element)
                state = .awaitingSOPIdentity(header, held)
            } else {
                try startDataSet(header: header, held: held, sink: sink)
                try write(event, to: sink)
            }
        case (.awaitingSOPIdentity(let header, let held), _):
            try startDataSet(header: header, held: held, sink: sink)
            try write(event, to: sink)
        case (.elements, .element(let element)):
            guard !element.tag.isFileMeta else {
                throw DICOMError(.invalidUse, tag: element.tag, "file meta element after the data set began")
            }
            try appendElement(element)
            if output.count >= configuration.flushThreshold { try flush(sink) }
        case (.elements, .bulkStart(let tag, let vr, let value)):
            try closeHeldGroup(before: tag, dropLength: true)
            if let length = value.length {
                let isOdd = length % 2 == 1
                let padded = Int(length) + (isOdd ? 1 : 0)
                let outputVR = ElementEncoder.outputVR(vr, tag: tag, length: padded)
                ElementEncoder.appendHeader(tag: tag, vr: outputVR, length: UInt32(padded), to: &output)
                state = .bulk(tag: tag, isEncapsulated: false, isOdd: isOdd)
            } else {
                ElementEncoder.appendHeader(tag: tag, vr: .OB, length: ElementHeader.undefinedLength, to: &output)
                state = .bulk(tag: tag, isEncapsulated: true, isOdd: false)
            }
        case (.bulk(_, true, _), .fragmentStart(let length)):
            ElementEncoder.appendDelimiter(.item, length: length, to: &output)
        case (.bulk, .bulkBytes(let bytes)):
            if output.count + bytes.count <= configuration.flushThreshold {
                output.append(contentsOf: bytes)
            } else {
                try flush(sink)
                try sink(bytes)
            }
        case (.bulk(_, let isEncapsulated, let isOdd), .bulkEnd):
            if isEncapsulated {
                ElementEncoder.appendDelimiter(.sequenceDelimitationItem, length: 0, to: &output)
            } else if isOdd {
                output.append(0)
            }
            state = .elements
        case (.elements, .end):
            try closeHeldGroup(before: nil, dropLength: false)
            try flush(sink)
            state = .finished
        default:
            throw DICOMError(.invalidUse, "stream event \(Self.name(of: event)) out of order for the writer")
        }
    }

    private static func name(of event: StreamEvent) -> String {
        switch event {
        case .header: "header"
        case .element(let element): "element \(element.tag)"
        case .bulkStart(let tag, _, _): "bulk start \(tag)"
        case .fragmentStart: "fragment start"
        case .bulkBytes: "bulk bytes"
        case .bulkEnd: "bulk end"
        case .end: "end"
        }
    }

    mutating func flush(_ sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard !output.isEmpty else { return }
        try sink(output[...])
        output.removeAll(keepingCapacity: true)
    }
}
