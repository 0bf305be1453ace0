import HTTPServer

/// Feeds bytes to a ``RequestParser`` the way a connection does (keeping unconsumed bytes) and records
/// what came out.
struct ParserHarness {
    struct Message {
        var head: RequestHead
        var body: [UInt8] = []
        var isComplete = false
    }

    var parser: RequestParser
    var pending: [UInt8] = []
    var messages: [Message] = []

    init(limits: RequestParser.Limits = .init()) { parser = RequestParser(limits: limits) }

    /// Parses `text` delivered in pieces of `pieceSize` bytes (1 = byte by byte).
    static func run(
        _ text: String, pieceSize: Int = .max, limits: RequestParser.Limits = .init()
    ) throws(ParseError) -> [Message] {
        var harness = ParserHarness(limits: limits)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + max(1, min(pieceSize, bytes.count)))
            try harness.feed(bytes[offset..<end])
            offset = end
        }
        return harness.messages
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(ParseError) {
        pending.append(contentsOf: bytes)
        var offset = 0
        defer { pending.removeFirst(offset) }
        while true {
            let step = try pending.withUnsafeBufferPointer { all throws(ParseError) in
                let rest = UnsafeBufferPointer(rebasing: all[offset...])
                let step = try parser.parse(rest)
                if case .body(let range) = step.event {
                    messages[messages.count - 1].body.append(contentsOf: rest[range])
                }
                return step
            }
            offset += step.consumed
            switch step.event {
            case .head(let head): messages.append(Message(head: head))
            case .end: messages[messages.count - 1].isComplete = true
            case .body: break
            case nil: if step.consumed == 0 { return }
            }
        }
    }
}
