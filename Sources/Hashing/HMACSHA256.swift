internal import COpenSSL

/// HMAC-SHA256 (RFC 2104) keyed with an operator secret.
///
/// Pseudonyms, new UIDs and date offsets are derived with it: the same input under the same key always
/// gives the same output, and the input cannot be recovered from it. The key is never printed:
/// `description` of this type says nothing of it.
public struct HMACSHA256: Sendable, CustomStringConvertible {
    private let key: [UInt8]

    /// Size of a MAC in bytes.
    public static let byteCount = 32

    /// Creates a keyed MAC.
    /// - Parameter key: The secret; at least 32 bytes are recommended (NIST SP 800-107).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// The MAC of `message`.
    public func authenticationCode(for message: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBuffer in
            bytes.withUnsafeBytes { messageBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    _ = HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                        messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBuffer.count,
                        outBuffer.baseAddress, &length)
                }
            }
        }
        return out
    }

    /// The MAC of a UTF-8 string.
    public func authenticationCode(for message: String) -> [UInt8] {
        authenticationCode(for: Array(message.utf8))
    }

    public var description: String { "HMACSHA256(key: <redacted>)" }
}
