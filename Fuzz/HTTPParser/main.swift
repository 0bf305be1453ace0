// libFuzzer entry point for the request parser (Sources/HTTPServer/Parser, compiled in directly).
//
// Each input is parsed twice: whole, and in pieces whose size comes from the first byte. Both runs must
// produce the same events and the same error: a parser that depends on how TCP split the bytes is a
// smuggling risk. Any crash, sanitizer report or mismatch is a finding.

struct Outcome: Equatable {
    var heads: [String] = []
    var framings: [String] = []
    var body: [UInt8] = []
    var ends = 0
    var error: ParseError?
}

func parse(_ bytes: [UInt8], pieceSize: Int) -> Outcome {
    var limits = RequestParser.Limits()
    limits.maxTargetLength = 256
    limits.maxHeadSize = 2048
    limits.maxFieldCount = 20
    limits.maxChunkLineLength = 64
    limits.maxTrailerSize = 256
    var parser = RequestParser(limits: limits)
    var outcome = Outcome()
    var pending: [UInt8] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + pieceSize)
        pending.append(contentsOf: bytes[offset..<end])
        offset = end
        var position = 0
        feeding: while true {
            let result: RequestParser.Step
            do {
                result = try pending.withUnsafeBufferPointer { all throws(ParseError) in
                    let rest = UnsafeBufferPointer(rebasing: all[position...])
                    let step = try parser.parse(rest)
                    precondition(step.consumed <= rest.count, "consumed more than available")
                    if case .body(let range) = step.event {
                        precondition(range.lowerBound >= 0 && range.upperBound <= rest.count, "body range out of bounds")
                        precondition(range.upperBound <= step.consumed, "body not consumed")
                        outcome.body.append(contentsOf: rest[range])
                    }
                    return step
                }
            } catch {
                outcome.error = error
                // A failed parser must stay failed.
                let again = pending.withUnsafeBufferPointer { all in
                    Result { () throws(ParseError) in try parser.parse(UnsafeBufferPointer(rebasing: all[position...])) }
                }
                if case .success = again { preconditionFailure("parser recovered after an error") }
                return outcome
            }
            position += result.consumed
            switch result.event {
            case .head(let head):
                outcome.heads.append("\(head.method.rawValue) \(head.target) \(head.version) \(head.headers.count)")
                outcome.framings.append("\(head.framing) \(head.isKeepAlive) \(head.expectsContinue)")
                if case .length(let length) = head.framing { precondition(length < (1 << 62), "length bound") }
            case .end: outcome.ends += 1
            case .body: break
            case nil: if result.consumed == 0 { break feeding }
            }
        }
        pending.removeFirst(position)
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let pieceSize = Int(data[0] % 17) + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = parse(bytes, pieceSize: max(1, bytes.count))
    let pieces = parse(bytes, pieceSize: pieceSize)
    precondition(whole == pieces, "result depends on how the input was split")
    return 0
}
