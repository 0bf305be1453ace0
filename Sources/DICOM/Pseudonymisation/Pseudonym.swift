/// A patient pseudonym: 32 upper-case hexadecimal digits, the first 128 bits of a keyed HMAC.
///
/// It stands in for the patient's name and ID in every de-identified instance; logging it is allowed.
public struct Pseudonym: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 32 hex digits.
    public let rawValue: String

    /// Wraps a pseudonym made earlier.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}
