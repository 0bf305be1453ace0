import Hashing

/// Reading the generated tables (`DataDictionary+Table.swift`, `IODAttributeTypes+Table.swift`): lines of
/// space-separated fields, read on their UTF-8 bytes so that a process pays little for them on first use.
enum GeneratedTable {
    /// Calls `body` with the fields of each non-empty line.
    static func forEachLine(of text: String, _ body: ([ArraySlice<UInt8>]) -> Void) {
        var text = text
        text.withUTF8 { buffer in
            let bytes = Array(buffer)
            var fields: [ArraySlice<UInt8>] = []
            fields.reserveCapacity(8)
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                fields.removeAll(keepingCapacity: true)
                var start = lineStart
                for index in lineStart...lineEnd where index == lineEnd || bytes[index] == 0x20 {
                    if index > start { fields.append(bytes[start..<index]) }
                    start = index + 1
                }
                if !fields.isEmpty { body(fields) }
                lineStart = lineEnd + 1
            }
        }
    }

    /// Hexadecimal digits as a number; `nil` for any other byte.
    static func hex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for byte in digits {
            guard let digit = hexDigitValue(byte) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return digits.isEmpty ? nil : value
    }

    /// Decimal digits as a number; `nil` for any other byte.
    static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return digits.isEmpty ? nil : value
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
