import Foundation

/// The character repertoires a data set's text is encoded in, from Specific Character Set (0008,0005)
/// (PS3.3 §C.12.1.1.2, PS3.5 §6.1).
///
/// Supported for decoding and encoding: the default repertoire (ISO_IR 6, read leniently as Latin-1 the
/// way pydicom does), the single-byte sets of PS3.3 Table C.12-2 — ISO_IR 100 (Latin-1), 101, 109, 110,
/// 144 (Cyrillic), 127 (Arabic), 126 (Greek), 138 (Hebrew), 148, 203 and 166 (Thai), also under their
/// `ISO 2022 IR` names when used alone — and ISO_IR 192 (UTF-8). Code extension combinations (Japanese,
/// Korean, Chinese) and GB18030/GBK are kept but `isSupported` is false; their text is then decoded as
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

    enum Encoding {
        case latin1
        case utf8
        /// ASCII below 0xA0, the given 96 characters from 0xA0.
        case singleByte([Unicode.Scalar])
    }

    /// The encoding in force for the supported cases; `nil` for unsupported terms.
    var encoding: Encoding? {
        let meaningful = terms.filter { !$0.isEmpty && $0 != "ISO 2022 IR 6" && $0 != "ISO_IR 6" }
        guard let first = meaningful.first else { return .latin1 }
        guard meaningful.count == 1 else { return nil }
        let term = first.replacingOccurrences(of: "ISO 2022 IR ", with: "ISO_IR ")
        switch term {
        case "ISO_IR 100": return .latin1
        case "ISO_IR 192": return first == term ? .utf8 : nil
        default: return Self.upperHalves[term].map { .singleByte($0) }
        }
    }

    /// Whether text in this character set decodes faithfully.
    public var isSupported: Bool { encoding != nil }

    /// The defined terms joined by backslashes.
    public var description: String { terms.isEmpty ? "(default)" : terms.joined(separator: "\\") }

    /// Decodes a value's bytes; VRs outside `VR.usesSpecificCharacterSet` use the default repertoire.
    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        // Every supported repertoire reads bytes below 0x80 as ASCII (and the unsupported ones are read as
        // Latin-1, which does too).
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let encoding = vr.usesSpecificCharacterSet ? (self.encoding ?? .latin1) : .latin1
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .latin1:
            var text = String.UnicodeScalarView()
            for byte in bytes { text.append(Unicode.Scalar(byte)) }
            return String(text)
        case .singleByte(let upper):
            var text = String.UnicodeScalarView()
            for byte in bytes { text.append(byte < 0xA0 ? Unicode.Scalar(byte) : upper[Int(byte - 0xA0)]) }
            return String(text)
        }
    }

    /// Encodes text for a value of this VR; `nil` if a character cannot be represented.
    public func encode(_ text: String, vr: VR) -> [UInt8]? {
        let encoding = vr.usesSpecificCharacterSet ? (self.encoding ?? .latin1) : .latin1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        switch encoding {
        case .utf8:
            return Array(text.utf8)
        case .latin1:
            for scalar in text.unicodeScalars {
                guard scalar.value < 0x100 else { return nil }
                bytes.append(UInt8(scalar.value))
            }
        case .singleByte(let upper):
            for scalar in text.unicodeScalars {
                if scalar.value < 0xA0 {
                    bytes.append(UInt8(scalar.value))
                } else if scalar != "\u{FFFD}", let index = upper.firstIndex(of: scalar) {
                    bytes.append(UInt8(0xA0 + index))
                } else {
                    return nil
                }
            }
        }
        return bytes
    }
}
