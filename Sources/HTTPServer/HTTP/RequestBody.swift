/// Where request content comes from: the connection (streaming) or memory (tests, empty bodies).
protocol BodySource: AnyObject, Sendable {
    /// The next chunk, nil at the end.
    func nextBodyChunk() async throws -> [UInt8]?
}

/// The request content as an `AsyncSequence` of byte chunks, read from the socket as it is consumed.
///
/// Backpressure: the connection stops reading the socket while unconsumed chunks exceed its buffer, so
/// a slow consumer slows the client down instead of filling memory. The first read sends
/// `100 Continue` when the client asked for it (RFC 9110 §10.1.1). The route's body limit is enforced
/// while reading: going past it throws a 413 ``Problem``.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    enum Source: Sendable {
        case bytes([UInt8])
        case stream(any BodySource)
    }

    let source: Source
    /// Declared length when framed by `Content-Length`.
    public let declaredLength: UInt64?
    /// Most bytes the handler may read; more throws 413.
    public var limit: Int = .max

    init(source: Source, declaredLength: UInt64?) {
        self.source = source
        self.declaredLength = declaredLength
    }

    /// A body held in memory (for tests and internal use).
    public init(bytes: [UInt8]) {
        source = .bytes(bytes)
        declaredLength = UInt64(bytes.count)
    }

    /// No content.
    public static let empty = RequestBody(bytes: [])

    public func makeAsyncIterator() -> Iterator { Iterator(source: source, limit: limit) }

    /// Reads the whole body into memory, refusing more than `maxLength` bytes with 413.
    public func collect(upTo maxLength: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        var body = self
        body.limit = Swift.min(limit, maxLength)
        for try await chunk in body { result.append(contentsOf: chunk) }
        return result
    }

    /// Iterates the chunks; single pass.
    public struct Iterator: AsyncIteratorProtocol {
        var source: Source
        let limit: Int
        var received = 0
        var isDone = false

        init(source: Source, limit: Int) {
            self.source = source
            self.limit = limit
        }

        public mutating func next() async throws -> [UInt8]? {
            guard !isDone else { return nil }
            let chunk: [UInt8]?
            switch source {
            case .bytes(let bytes):
                isDone = true
                chunk = bytes.isEmpty ? nil : bytes
            case .stream(let stream):
                chunk = try await stream.nextBodyChunk()
            }
            guard let chunk else {
                isDone = true
                return nil
            }
            received += chunk.count
            if received > limit {
                isDone = true
                throw Problem(status: .contentTooLarge, detail: "The request content is larger than this resource accepts.")
            }
            return chunk
        }
    }
}
