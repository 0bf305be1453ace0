/// One `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5), validated, as byte ranges.
struct FieldLine {
    /// The name bytes.
    let name: UnsafeBufferPointer<UInt8>
    /// The value bytes without surrounding whitespace.
    let value: UnsafeBufferPointer<UInt8>

    /// Validates a line (without its CRLF).
    /// - Throws: `obsoleteLineFolding` for a line starting with whitespace (RFC 9112 §5.2),
    ///   `whitespaceBeforeColon` (RFC 9112 §5.1), `invalidFieldName`, `invalidFieldValue` for CTLs.
    init(_ line: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        guard let first = line.first else { throw ParseError(.invalidFieldName) }
        if ASCII.isWhitespace(first) { throw ParseError(.obsoleteLineFolding) }
        var colon = 0
        while colon < line.count && line[colon] != ASCII.colon {
            let byte = line[colon]
            if ASCII.isWhitespace(byte) { throw ParseError(.whitespaceBeforeColon) }
            guard ASCII.isToken(byte) else { throw ParseError(.invalidFieldName) }
            colon += 1
        }
        guard colon > 0 && colon < line.count else { throw ParseError(.invalidFieldName) }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && ASCII.isWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && ASCII.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        for index in valueStart..<valueEnd where !ASCII.isFieldValueByte(line[index]) {
            throw ParseError(.invalidFieldValue)
        }
        name = UnsafeBufferPointer(rebasing: line[0..<colon])
        value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
    }
}

/// Splits a comma-separated list value (RFC 9110 §5.6.1) into trimmed, non-empty elements.
func forEachListElement(
    _ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(ParseError) -> Void
) throws(ParseError) {
    var start = 0
    while start <= value.count {
        var end = start
        while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
        var low = start
        var high = end
        while low < high && ASCII.isWhitespace(value[low]) { low += 1 }
        while high > low && ASCII.isWhitespace(value[high - 1]) { high -= 1 }
        if high > low { try body(UnsafeBufferPointer(rebasing: value[low..<high])) }
        start = end + 1
    }
}

/// `chunk-size [ chunk-ext ]` (RFC 9112 §7.1, §7.1.1).
enum ChunkLine {
    /// Chunk sizes above this are refused as overflow: no real body is 4 EiB.
    static let maxSize: UInt64 = 1 << 62

    /// Parses the size and checks that any extension is made of allowed bytes; extensions are ignored.
    static func parseSize(_ line: UnsafeBufferPointer<UInt8>) throws(ParseError) -> UInt64 {
        var index = 0
        var size: UInt64 = 0
        while index < line.count, let digit = ASCII.hexValue(line[index]) {
            if size > (maxSize >> 4) { throw ParseError(.chunkSizeOverflow) }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else { throw ParseError(.invalidChunkSize) }
        guard index < line.count else { return size }
        // BWS ";" extension: anything else after the digits (a sign, "0x", spaces then garbage) is refused.
        while index < line.count && ASCII.isWhitespace(line[index]) { index += 1 }
        guard index < line.count else { throw ParseError(.invalidChunkSize) }
        guard line[index] == UInt8(ascii: ";") else { throw ParseError(.invalidChunkSize) }
        for byte in UnsafeBufferPointer(rebasing: line[index...]) where !ASCII.isFieldValueByte(byte) {
            throw ParseError(.invalidChunkExtension)
        }
        return size
    }
}
