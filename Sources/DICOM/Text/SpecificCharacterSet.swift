import Foundation

/// The character repertoires a data set's text is encoded in, from Specific Character Set (0008,0005)
/// (PS3.3 §C.12.1.1.2, PS3.5 §6.1).
///
/// Supported for decoding and encoding: the default repertoire (ISO_IR 6, read leniently as Latin-1 the
/// way pydicom does), ISO_IR 100 / ISO 2022 IR 100 (Latin-1), ISO_IR 101 / ISO 2022 IR 101 (Latin-2) and
/// ISO_IR 192 (UTF-8). Other terms are kept but `isSupported` is false; their text is then decoded as
/// Latin-1 so that nothing is lost, and the caller decides whether that is good enough.
public struct SpecificCharacterSet: Sendable, Equatable, CustomStringConvertible {
    /// The defined terms as read, blanks trimmed; the first may be empty (default repertoire).
    public var terms: [String]

    /// Creates a character set from its defined terms.
    public init(terms: [String]) { self.terms = terms }

    /// Reads the character set from a (0008,0005) element; `nil` gives the default repertoire.
    public init(element: Element?) {
        guard let bytes = element?.bytes else {
            self = .default
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        terms = text.split(separator: "\\", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        }
        if terms.allSatisfy(\.isEmpty) { terms = [] }
    }

    /// The default repertoire (no Specific Character Set).
    public static let `default` = SpecificCharacterSet(terms: [])
    /// ISO_IR 100, Latin alphabet No. 1.
    public static let latin1 = SpecificCharacterSet(terms: ["ISO_IR 100"])
    /// ISO_IR 192, Unicode in UTF-8.
    public static let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])

    enum Encoding { case latin1, latin2, utf8 }

    /// The encoding in force for the supported cases; `nil` for unsupported terms.
    var encoding: Encoding? {
        let meaningful = terms.filter { !$0.isEmpty && $0 != "ISO 2022 IR 6" && $0 != "ISO_IR 6" }
        guard let first = meaningful.first else { return .latin1 }
        guard meaningful.count == 1 else { return nil }
        switch first {
        case "ISO_IR 100", "ISO 2022 IR 100": return .latin1
        case "ISO_IR 101", "ISO 2022 IR 101": return .latin2
        case "ISO_IR 192": return .utf8
        default: return nil
        }
    }

    /// Whether text in this character set decodes faithfully.
    public var isSupported: Bool { encoding != nil }

    public var description: String { terms.isEmpty ? "(default)" : terms.joined(separator: "\\") }

    /// Decodes a value's bytes; VRs outside `VR.usesSpecificCharacterSet` use the default repertoire.
    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        let encoding = vr.usesSpecificCharacterSet ? (self.encoding ?? .latin1) : .latin1
        switch encoding {
        case .latin1:
            var text = String.UnicodeScalarView()
            for byte in bytes { text.append(Unicode.Scalar(byte)) }
            return String(text)
        case .latin2:
            return String(bytes: Array(bytes), encoding: .isoLatin2) ?? String(decoding: bytes, as: UTF8.self)
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Encodes text for a value of this VR; `nil` if a character cannot be represented.
    public func encode(_ text: String, vr: VR) -> [UInt8]? {
        let encoding = vr.usesSpecificCharacterSet ? (self.encoding ?? .latin1) : .latin1
        switch encoding {
        case .utf8:
            return Array(text.utf8)
        case .latin2:
            return text.data(using: .isoLatin2).map { Array($0) }
        case .latin1:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 0x100 else { return nil }
                bytes.append(UInt8(scalar.value))
            }
            return bytes
        }
    }
}
