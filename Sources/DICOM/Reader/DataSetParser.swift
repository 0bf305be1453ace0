/// The incremental parser of a top-level data set: fed arbitrary chunks, it reports complete elements
/// and passes bulk values through as chunks (see `StreamEvent`).
///
/// Bytes that do not yet form a complete element wait in `pending`; an element that is still incomplete
/// is retried only once the buffer has doubled, so a large sequence arriving in small chunks costs linear
/// time. Bulk bytes are passed on as slices of the input without copying (except when big endian values
/// must be swapped).
struct DataSetParser {
    private enum State {
        case elements
        case bulk(remaining: Int, swapUnit: Int)
        case fragmentHeader
        case fragment(remaining: Int)
        case finished
    }

    private let configuration: StreamReader.Configuration
    private var syntax: Syntax
    private var state = State.elements
    private var pending: [UInt8] = []
    /// Stream offset of the first byte not yet consumed.
    private var offset: Int
    private var retryAt = 0
    private var elementCount = 0
    private var isFirstElement = true

    init(syntax: Syntax, offset: Int, configuration: StreamReader.Configuration) {
        self.syntax = syntax
        self.offset = offset
        self.configuration = configuration
    }

    /// Whether the data set has ended (only after `finish`).
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// The bytes of the current bulk value (or pixel data fragment) that the caller may skip instead of
    /// feeding: they would pass unchanged (no byte swapping) and nothing fed earlier waits. 0 otherwise.
    var skippableBulkCount: Int {
        guard pending.isEmpty else { return 0 }
        switch state {
        case .bulk(let remaining, 1): return remaining
        case .fragment(let remaining): return remaining
        default: return 0
        }
    }

    /// Skips `count` bytes of the current bulk value (at most `skippableBulkCount`) as if they had been fed
    /// and passed on, reporting the end of the value when they complete it.
    mutating func skipBulk(_ count: Int, emit: (StreamEvent) throws -> Void) throws {
        precondition(count > 0 && count <= skippableBulkCount, "skips only what skippableBulkCount allows")
        offset += count
        switch state {
        case .bulk(let remaining, let unit):
            if count == remaining {
                state = .elements
                try emit(.bulkEnd)
            } else {
                state = .bulk(remaining: remaining - count, swapUnit: unit)
            }
        case .fragment(let remaining):
            state = count == remaining ? .fragmentHeader : .fragment(remaining: remaining - count)
        default:
            break
        }
    }

    /// Consumes a chunk, reporting what it completes.
    mutating func feed(_ chunk: ArraySlice<UInt8>, emit: (StreamEvent) throws -> Void) throws {
        if pending.isEmpty {
            let used = try process(chunk, isFinal: false, emit: emit)
            pending = Array(chunk[used...])
        } else {
            pending.append(contentsOf: chunk)
            if pending.count < retryAt, case .elements = state { return }
            let data = pending[...]
            pending = []
            let used = try process(data, isFinal: false, emit: emit)
            pending = Array(data[used...])
        }
        if pending.count > configuration.maximumElementLength + 16 {
            throw DICOMError(
                .limitExceeded, offset: offset, "element larger than \(configuration.maximumElementLength) bytes")
        }
    }

    /// Processes what is left at the end of the stream and reports `end`.
    mutating func finish(emit: (StreamEvent) throws -> Void) throws {
        let data = pending[...]
        pending = []
        let used = try process(data, isFinal: true, emit: emit)
        guard used == data.endIndex, case .elements = state else {
            throw DICOMError(.truncated, offset: offset, "stream ends inside a value")
        }
        state = .finished
        try emit(.end)
    }

    /// Consumes as much of `data` as forms complete events; returns the index of the first byte left.
    private mutating func process(
        _ data: ArraySlice<UInt8>, isFinal: Bool, emit: (StreamEvent) throws -> Void
    ) throws -> Int {
        var index = data.startIndex
        defer { offset += index - data.startIndex }
        while true {
            let available = data.endIndex - index
            switch state {
            case .finished:
                return index
            case .elements:
                if available == 0 { return index }
                var parser = ElementParser(
                    data: data[index...], baseOffset: offset + (index - data.startIndex), isFinal: isFinal,
                    configuration: configuration, elementCount: elementCount)
                do {
                    index = try element(at: index, parser: &parser, emit: emit)
                    elementCount = parser.elementCount
                    retryAt = 0
                } catch is NeedMoreInput {
                    retryAt = 2 * available
                    return index
                }
            case .bulk(let remaining, let unit):
                var count = min(remaining, available)
                if unit > 1 && count < remaining { count -= count % unit }
                if count == 0 { return index }
                let slice = data[index..<(index + count)]
                try emit(.bulkBytes(unit > 1 ? ArraySlice(slice.swappingBytes(unit: unit)) : slice))
                index += count
                if count == remaining {
                    state = .elements
                    try emit(.bulkEnd)
                } else {
                    state = .bulk(remaining: remaining - count, swapUnit: unit)
                }
            case .fragmentHeader:
                guard available >= 8 else { return index }
                let parser = ElementParser(
                    data: data[index...], baseOffset: offset + (index - data.startIndex), isFinal: true,
                    configuration: configuration, elementCount: 0)
                let tag = Tag(parser.uint16(index, bigEndian: false), parser.uint16(index + 2, bigEndian: false))
                let length = parser.uint32(index + 4, bigEndian: false)
                if tag == .sequenceDelimitationItem {
                    index += 8
                    state = .elements
                    try emit(.bulkEnd)
                } else if tag == .item && length != ElementHeader.undefinedLength {
                    index += 8
                    state = .fragment(remaining: Int(length))
                    try emit(.fragmentStart(length: length))
                } else {
                    throw DICOMError(
                        .malformed, offset: parser.offset(index), tag: .pixelData,
                        "expected a pixel data item or sequence delimiter, found \(tag)")
                }
            case .fragment(let remaining):
                let count = min(remaining, available)
                if count > 0 { try emit(.bulkBytes(data[index..<(index + count)])) }
                index += count
                if count == remaining {
                    state = .fragmentHeader
                } else {
                    state = .fragment(remaining: remaining - count)
                    return index
                }
            }
        }
    }

    /// Reads one top-level element at `index`: either reports it whole, or starts a bulk value.
    private mutating func element(
        at index: Int, parser: inout ElementParser, emit: (StreamEvent) throws -> Void
    ) throws -> Int {
        let limit = parser.data.endIndex
        if isFirstElement {
            guard limit - index >= 6 || parser.isFinal else { throw NeedMoreInput() }
            syntax = parser.sniff(index, syntax: syntax, limit: limit)
            isFirstElement = false
        }
        let header = try parser.header(index, syntax: syntax, limit: limit)
        if let vr = header.vr, isBulk(header, vr: vr) {
            try parser.countElement(index, tag: header.tag)
            let start = index + header.size
            if header.hasUndefinedLength {
                state = .fragmentHeader
                try emit(.bulkStart(tag: header.tag, vr: vr, value: BulkValue(length: nil)))
            } else {
                let unit = syntax.isBigEndian ? vr.byteSwapUnit : 1
                state = .bulk(remaining: Int(header.length), swapUnit: unit)
                try emit(.bulkStart(tag: header.tag, vr: vr, value: BulkValue(length: header.length)))
                if header.length == 0 {
                    state = .elements
                    try emit(.bulkEnd)
                }
            }
            return start
        }
        let (element, end) = try parser.element(index, header: header, syntax: syntax, depth: 0, limit: limit)
        try emit(.element(element))
        return end
    }

    /// Pixel data (native or encapsulated) and large non-sequence values are streamed.
    private func isBulk(_ header: ElementHeader, vr: VR) -> Bool {
        if vr == .SQ { return false }
        let isPixelData = header.tag == .pixelData || header.tag == .floatPixelData || header.tag == .doubleFloatPixelData
        if header.hasUndefinedLength { return isPixelData && vr != .UN }
        return isPixelData || Int(header.length) > configuration.bulkThreshold
    }
}
