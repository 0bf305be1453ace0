import Hashing

/// The operator's secret for pseudonyms, new UIDs and date offsets.
///
/// Only the operator holds it: without it nobody can link a pseudonym back to a centre's patient ID, and
/// with it the same input always maps to the same output. It never appears in a description, log or error.
public struct PseudonymisationKey: Sendable, CustomStringConvertible {
    /// The secret bytes; reachable inside the module only.
    let bytes: [UInt8]

    /// The fewest secret bytes accepted: 256 bits, the HMAC-SHA256 block strength (NIST SP 800-107).
    public static let minimumByteCount = 32

    /// Creates a key from secret bytes.
    /// - Throws: `PseudonymisationError.keyTooShort` below `minimumByteCount` bytes.
    public init(bytes: [UInt8]) throws(PseudonymisationError) {
        guard bytes.count >= Self.minimumByteCount else { throw PseudonymisationError(code: .keyTooShort) }
        self.bytes = bytes
    }

    /// Reads a key as stored in a key file or an environment variable.
    ///
    /// Text of hexadecimal digits only (at least 64, surrounding white space ignored) is decoded as hex,
    /// so a key made with `openssl rand -hex 32` works; anything else is taken as raw bytes (for example
    /// `openssl rand 32`), without its trailing newline.
    /// - Throws: `PseudonymisationError.keyTooShort` when fewer than 32 secret bytes result.
    public init(parsing contents: some Collection<UInt8>) throws(PseudonymisationError) {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        var text = Array(contents)
        while let last = text.last, isSpace(last) { text.removeLast() }
        let start = text.firstIndex { !isSpace($0) } ?? text.endIndex
        let trimmed = Array(text[start...])
        if trimmed.count >= 2 * Self.minimumByteCount, trimmed.count % 2 == 0,
            let decoded = Self.decodeHex(trimmed)
        {
            try self.init(bytes: decoded)
        } else {
            // Raw keys keep inner white space; only a final newline (as editors add) is dropped.
            var raw = Array(contents)
            if raw.last == 0x0A { raw.removeLast() }
            if raw.last == 0x0D { raw.removeLast() }
            try self.init(bytes: raw)
        }
    }

    public var description: String { "PseudonymisationKey(<redacted>)" }

    private static func decodeHex(_ text: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = hexDigitValue(text[index]), let low = hexDigitValue(text[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// Why a pseudonymisation key or input was refused. Never carries the key or the input value.
public struct PseudonymisationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// Fewer than `PseudonymisationKey.minimumByteCount` secret bytes.
        case keyTooShort
        /// A patient ID or centre that is empty once padding is removed.
        case emptyIdentifier
    }

    /// What went wrong.
    public let code: Code

    /// Creates an error.
    public init(code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .keyTooShort:
            "pseudonymisation key too short: at least \(PseudonymisationKey.minimumByteCount) bytes "
                + "(or \(2 * PseudonymisationKey.minimumByteCount) hex digits) are required"
        case .emptyIdentifier: "patient ID or centre is empty"
        }
    }
}
