/// SQL identifiers that our own code builds statements from (table names for `COPY`, database names).
///
/// Identifiers cannot be bound parameters, so they are restricted to a safe alphabet and double-quoted
/// (PostgreSQL §4.1.1); a name outside it is a programming error in the caller, not peer input.
public enum Identifier {
    /// Whether `name` is 1–63 characters of `a-z`, `0-9`, `_`, not starting with a digit.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, !(48...57).contains(first) else { return false }
        return name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// `name` double-quoted; `name` must satisfy `isValid`.
    static func quoted(_ name: String) -> String {
        precondition(isValid(name), "identifier outside [a-z0-9_] (programming error)")
        return "\"\(name)\""
    }
}

/// Values in `COPY`'s text format: tab-separated, `\N` for NULL, backslash escapes (PostgreSQL `COPY`).
enum CopyText {
    /// Appends one value; `false` when it cannot be sent (a NUL in text).
    static func append(_ binding: SQLBinding, to buffer: inout [UInt8]) -> Bool {
        binding.withBytes { append(bytes: $0, isBinary: binding.isBinary, to: &buffer) } ?? appendNull(to: &buffer)
    }

    private static func appendNull(to buffer: inout [UInt8]) -> Bool {
        buffer.append(contentsOf: [92, 78])  // \N
        return true
    }

    private static func append(bytes: UnsafeRawBufferPointer, isBinary: Bool, to buffer: inout [UInt8]) -> Bool {
        if isBinary {
            // bytea: hex form `\x…`, whose backslash must itself be escaped in COPY text.
            buffer.append(contentsOf: [92, 92, 120])
            let digits = Array("0123456789abcdef".utf8)
            for byte in bytes {
                buffer.append(digits[Int(byte >> 4)])
                buffer.append(digits[Int(byte & 0x0F)])
            }
            return true
        }
        for byte in bytes {
            switch byte {
            case 0: return false
            case 92: buffer.append(contentsOf: [92, 92])
            case 9: buffer.append(contentsOf: [92, 116])
            case 10: buffer.append(contentsOf: [92, 110])
            case 13: buffer.append(contentsOf: [92, 114])
            default: buffer.append(byte)
            }
        }
        return true
    }
}
