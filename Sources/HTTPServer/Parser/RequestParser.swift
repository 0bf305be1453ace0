/// An incremental, allocation-light HTTP/1.1 request parser (RFC 9112). Pure: bytes in, events out.
///
/// The caller keeps unconsumed bytes and passes them again with whatever arrived since; each call returns
/// how many bytes it consumed and at most one event. Line-based parts (the head, chunk-size lines and
/// trailers) are consumed only once complete, so `consumed == 0` with no event means "need more bytes".
/// Body events are ranges into the buffer just passed, so content is never copied here.
///
/// It refuses every ambiguity that enables request smuggling (RFC 9112 §6.3, §11.2): see ``ParseError``.
/// After an error the parser stays failed: the connection must answer and close.
public struct RequestParser: Sendable {
    /// Size limits; each breach maps to a specific status (see ``ParseError/statusCode``).
    public struct Limits: Sendable {
        /// Longest request-target, in bytes, before 414. Default 8 KiB.
        public var maxTargetLength: Int = 8 * 1024
        /// Largest head (request line plus fields), in bytes, before 431. Default 32 KiB.
        public var maxHeadSize: Int = 32 * 1024
        /// Most field lines before 431. Default 100.
        public var maxFieldCount: Int = 100
        /// Longest chunk-size line including extensions, in bytes. Default 4 KiB.
        public var maxChunkLineLength: Int = 4 * 1024
        /// Largest trailer section, in bytes, before 431. Default 16 KiB.
        public var maxTrailerSize: Int = 16 * 1024

        /// The defaults.
        public init() {}
    }

    /// What the bytes amounted to.
    public enum Event: Sendable {
        /// A complete request head.
        case head(RequestHead)
        /// Content bytes: this range of the buffer passed to the call.
        case body(Range<Int>)
        /// The end of the current request's content; the next bytes start a new request.
        case end
    }

    /// The result of one call.
    public struct Step: Sendable {
        /// Bytes of the input that are now done with.
        public var consumed: Int
        /// The event, or nil when more bytes are needed.
        public var event: Event?
    }

    enum State: Sendable {
        /// Scanning for the end of a head. `start` skips leading empty lines (RFC 9112 §2.2),
        /// `scanned` is how far line ends were already checked, `lineStart` where the current line began.
        case head(start: Int, scanned: Int, lineStart: Int, lines: Int)
        case fixedBody(remaining: UInt64)
        case chunkSize
        case chunkData(remaining: UInt64)
        case chunkDataEnd
        case trailers(scanned: Int, lineStart: Int)
        case messageEnd
        case failed(ParseError)
    }

    /// The limits this parser enforces.
    public let limits: Limits
    var state: State = .head(start: 0, scanned: 0, lineStart: 0, lines: 0)

    /// Makes a parser waiting for a request head.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Content bytes still owed by the current chunk or `Content-Length` body, when the parser is in the
    /// middle of one; the next that many bytes are all content. Lets a reader skip an intermediate buffer.
    public var remainingContentBytes: UInt64? {
        switch state {
        case .fixedBody(let remaining), .chunkData(let remaining): remaining
        default: nil
        }
    }

    /// Parses as far as one event.
    /// - Parameter bytes: unconsumed input, starting where the previous call's `consumed` ended.
    /// - Throws: ``ParseError`` when the input breaks RFC 9112 or a limit; later calls throw it again.
    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Step {
        do {
            return try step(bytes)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Step {
        switch state {
        case .head(let start, let scanned, let lineStart, let lines):
            return try scanHead(bytes, start: start, scanned: scanned, lineStart: lineStart, lines: lines)
        case .fixedBody(let remaining):
            guard !bytes.isEmpty else { return Step(consumed: 0, event: nil) }
            let count = Int(min(remaining, UInt64(bytes.count)))
            state = remaining == UInt64(count) ? .messageEnd : .fixedBody(remaining: remaining - UInt64(count))
            return Step(consumed: count, event: .body(0..<count))
        case .chunkSize:
            return try parseChunkSize(bytes)
        case .chunkData(let remaining):
            guard !bytes.isEmpty else { return Step(consumed: 0, event: nil) }
            let count = Int(min(remaining, UInt64(bytes.count)))
            state = remaining == UInt64(count) ? .chunkDataEnd : .chunkData(remaining: remaining - UInt64(count))
            return Step(consumed: count, event: .body(0..<count))
        case .chunkDataEnd:
            guard bytes.count >= 2 else {
                if bytes.count == 1 && bytes[0] != ASCII.cr { throw ParseError(.missingChunkTerminator) }
                return Step(consumed: 0, event: nil)
            }
            guard bytes[0] == ASCII.cr && bytes[1] == ASCII.lf else { throw ParseError(.missingChunkTerminator) }
            state = .chunkSize
            return try Step(consumed: 2, event: nil).merging(parseChunkSize(UnsafeBufferPointer(rebasing: bytes[2...])))
        case .trailers(let scanned, let lineStart):
            return try scanTrailers(bytes, scanned: scanned, lineStart: lineStart)
        case .messageEnd:
            state = .head(start: 0, scanned: 0, lineStart: 0, lines: 0)
            return Step(consumed: 0, event: .end)
        case .failed(let error):
            throw error
        }
    }

    /// Finds the next LF at or after `from`; a LF not preceded by CR is refused (RFC 9112 §2.2 allows
    /// servers to reject bare LF, and accepting it is a known smuggling vector).
    static func nextLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) throws(ParseError) -> Int? {
        var index = from
        while index < bytes.count {
            if bytes[index] == ASCII.lf {
                guard index > 0 && bytes[index - 1] == ASCII.cr else { throw ParseError(.bareLineFeed) }
                return index
            }
            index += 1
        }
        return nil
    }

    private mutating func scanHead(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, scanned: Int, lineStart: Int, lines: Int
    ) throws(ParseError) -> Step {
        var start = start
        var lineStart = lineStart
        var lines = lines
        var scanned = scanned
        while true {
            // Line ends are only looked for within the limits, so the verdict does not depend on how
            // the bytes were split into reads (the fuzzer checks this).
            let limit = lines == 0 ? start + limits.maxTargetLength + 33 : start + limits.maxHeadSize + 2
            let window = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, limit)])
            guard let lineEnd = try RequestParser.nextLineEnd(window, from: scanned) else {
                if bytes.count >= limit {
                    throw ParseError(lines == 0 ? .targetTooLong : .headerSectionTooLarge)
                }
                break
            }
            scanned = lineEnd + 1
            if lineEnd - 1 == lineStart {
                if lines == 0 {
                    // Up to two empty lines before the request line are ignored (RFC 9112 §2.2).
                    guard start < 4 else { throw ParseError(.invalidRequestLine) }
                    start = scanned
                    lineStart = scanned
                    continue
                }
                let head = try parseHead(UnsafeBufferPointer(rebasing: bytes[start..<lineStart]))
                state = .messageEnd
                switch head.framing {
                case .none: break
                case .length(let length): if length > 0 { state = .fixedBody(remaining: length) }
                case .chunked: state = .chunkSize
                }
                return Step(consumed: scanned, event: .head(head))
            }
            lines += 1
            if scanned - start > limits.maxHeadSize { throw ParseError(.headerSectionTooLarge) }
            if lines > limits.maxFieldCount + 1 { throw ParseError(.tooManyFields) }
            lineStart = scanned
        }
        scanned = bytes.count
        state = .head(start: start, scanned: scanned, lineStart: lineStart, lines: lines)
        return Step(consumed: 0, event: nil)
    }

    private mutating func parseChunkSize(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Step {
        let limit = limits.maxChunkLineLength + 1
        let window = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, limit)])
        guard let lineEnd = try RequestParser.nextLineEnd(window, from: 0) else {
            if bytes.count >= limit { throw ParseError(.invalidChunkExtension) }
            return Step(consumed: 0, event: nil)
        }
        let size = try ChunkLine.parseSize(UnsafeBufferPointer(rebasing: bytes[0..<(lineEnd - 1)]))
        state = size == 0 ? .trailers(scanned: 0, lineStart: 0) : .chunkData(remaining: size)
        let consumed = lineEnd + 1
        if size == 0 {
            let rest = try scanTrailers(UnsafeBufferPointer(rebasing: bytes[consumed...]), scanned: 0, lineStart: 0)
            return Step(consumed: consumed, event: nil).merging(rest)
        }
        return Step(consumed: consumed, event: nil)
    }

    /// Trailer fields are checked like header fields and then dropped (RFC 9112 §7.1.2 lets a recipient
    /// discard them); the message ends at the empty line.
    private mutating func scanTrailers(
        _ bytes: UnsafeBufferPointer<UInt8>, scanned: Int, lineStart: Int
    ) throws(ParseError) -> Step {
        var scanned = scanned
        var lineStart = lineStart
        let limit = limits.maxTrailerSize + 2
        let window = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, limit)])
        while let lineEnd = try RequestParser.nextLineEnd(window, from: scanned) {
            scanned = lineEnd + 1
            if lineEnd - 1 == lineStart {
                state = .messageEnd
                return Step(consumed: scanned, event: .end).resettingAfterEnd(&state)
            }
            if scanned > limits.maxTrailerSize { throw ParseError(.trailerSectionTooLarge) }
            do {
                _ = try FieldLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<(lineEnd - 1)]))
            } catch {
                throw ParseError(.invalidTrailerField)
            }
            lineStart = scanned
        }
        if bytes.count >= limit { throw ParseError(.trailerSectionTooLarge) }
        state = .trailers(scanned: window.count, lineStart: lineStart)
        return Step(consumed: 0, event: nil)
    }
}

extension RequestParser.Step {
    /// Joins a step that consumed a prefix with the step parsed from the rest.
    func merging(_ next: RequestParser.Step) -> RequestParser.Step {
        RequestParser.Step(consumed: consumed + next.consumed, event: next.event)
    }

    /// Marks the end as delivered, so the next call starts a new head.
    func resettingAfterEnd(_ state: inout RequestParser.State) -> RequestParser.Step {
        state = .head(start: 0, scanned: 0, lineStart: 0, lines: 0)
        return self
    }
}
