import Hashing

/// Keyed, deterministic replacements for identifiers: patient pseudonyms, UIDs and date offsets.
///
/// Every value is an HMAC-SHA256 (RFC 2104) under the operator's key of a message that starts with a
/// domain label, so that a patient pseudonym, a UID and a date offset can never coincide even for equal
/// inputs. Fields are length-prefixed (4-byte big-endian byte count, then the UTF-8 bytes), so
/// ("AB", "C") and ("A", "BC") give different messages. The same inputs under the same key always give
/// the same outputs, in every file and on every machine; without the key nothing can be reversed.
public struct Pseudonymiser: Sendable {
    /// Limits of the derived values.
    public struct Configuration: Sendable, Hashable {
        /// The days a patient's dates may move back: the offset is minus a number in this range.
        /// Default 1...3652 (up to ten years), so every shift is non-zero and dates stay plausible.
        public var dateShiftDays: ClosedRange<Int>

        /// Creates a configuration.
        public init(dateShiftDays: ClosedRange<Int> = 1...3652) {
            self.dateShiftDays = dateShiftDays
        }
    }

    /// Domain labels, versioned so that a future change of scheme cannot collide with this one.
    enum Domain: String {
        case patient = "portal.deid.v1/patient"
        case uid = "portal.deid.v1/uid"
        case dateOffset = "portal.deid.v1/date-offset"
    }

    private let mac: HMACSHA256
    /// The limits in force.
    public let configuration: Configuration

    /// Creates a pseudonymiser.
    /// - Parameters:
    ///   - key: The operator's secret.
    ///   - configuration: Limits of derived values.
    public init(key: PseudonymisationKey, configuration: Configuration = .init()) {
        self.mac = HMACSHA256(key: key.bytes)
        self.configuration = configuration
    }

    /// The pseudonym of a centre's patient.
    ///
    /// A patient is named by the centre, the patient ID and the ID's issuer (Issuer of Patient ID,
    /// 0010,0021): two hospitals behind one centre may hand out the same number to different people.
    /// An absent or empty issuer leaves the pseudonym as the centre and ID alone give it. Padding spaces
    /// and NULs around every value are ignored (DICOM pads LO to even length).
    /// - Parameters:
    ///   - centre: The centre's identifier, so that equal patient IDs of two centres stay apart.
    ///   - patientID: The centre's own patient ID.
    ///   - issuer: The authority that issued the ID, if the centre names one.
    /// - Throws: `PseudonymisationError.emptyIdentifier` when the centre or the ID is empty once trimmed.
    public func pseudonym(centre: String, patientID: String, issuer: String? = nil) throws(PseudonymisationError)
        -> Pseudonym
    {
        let centre = Self.trimmed(centre)
        let patientID = Self.trimmed(patientID)
        guard !centre.isEmpty, !patientID.isEmpty else { throw PseudonymisationError(code: .emptyIdentifier) }
        let issuer = issuer.map(Self.trimmed) ?? ""
        let code = authenticationCode(.patient, issuer.isEmpty ? [centre, patientID] : [centre, patientID, issuer])
        return Pseudonym(rawValue: hexString(code.prefix(16)).uppercased())
    }

    /// The replacement of a UID: `2.25.` and the decimal of a 128-bit UUID (PS3.5 B.2, ISO/IEC 9834-8).
    ///
    /// The UUID is version 8 (RFC 9562 §5.8, vendor-specific) carrying 122 bits of the HMAC of the
    /// original UID, so the result is at most 44 characters and the same UID maps the same way in every
    /// file. Padding spaces and NULs are ignored.
    public func uid(replacing original: String) -> String {
        uid(replacingBytes: Array(Self.trimmed(original).utf8))
    }

    /// `uid(replacing:)` for a value already trimmed, as its UTF-8 (ASCII) bytes.
    func uid(replacingBytes original: some Collection<UInt8>) -> String {
        let code = authenticationCode(.uid, fieldBytes: [Array(original)])
        var value: UInt128 = 0
        for (index, byte) in code.prefix(16).enumerated() {
            var byte = byte
            if index == 6 { byte = byte & 0x0F | 0x80 }  // version 8
            if index == 8 { byte = byte & 0x3F | 0x80 }  // variant 10xx
            value = value << 8 | UInt128(byte)
        }
        return "2.25." + String(value)
    }

    /// The whole-day part of the offset applied to every date and time of a patient, negative and within
    /// the configured range.
    ///
    /// Derived from the pseudonym, so all instances of a patient, from any upload, move by the same offset
    /// and the intervals between them survive (PS3.15 E.3.6, Retain Longitudinal Temporal Information
    /// with Modified Dates).
    public func dateOffsetDays(for pseudonym: Pseudonym) -> Int {
        let code = authenticationCode(.dateOffset, [pseudonym.rawValue])
        let range = configuration.dateShiftDays
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return -(range.lowerBound + Int(Self.number(code.prefix(8)) % span))
    }

    /// The part of a patient's offset within a day, 0..<86400 seconds, added to `dateOffsetDays(for:)`
    /// so that times of day move too (from the same HMAC as the days, its next 8 bytes).
    public func timeOfDayOffsetSeconds(for pseudonym: Pseudonym) -> Int {
        let code = authenticationCode(.dateOffset, [pseudonym.rawValue])
        return Int(Self.number(code.dropFirst(8).prefix(8)) % 86_400)
    }

    /// Big-endian bytes as a number.
    private static func number(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The HMAC of the domain label and the length-prefixed fields.
    func authenticationCode(_ domain: Domain, _ fields: [String]) -> [UInt8] {
        authenticationCode(domain, fieldBytes: fields.map { Array($0.utf8) })
    }

    /// The HMAC of the domain label and the length-prefixed fields given as bytes.
    func authenticationCode(_ domain: Domain, fieldBytes fields: [[UInt8]]) -> [UInt8] {
        var message = [UInt8]()
        message.reserveCapacity(64)
        for bytes in [Array(domain.rawValue.utf8)] + fields {
            let count = UInt32(truncatingIfNeeded: bytes.count)
            message += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            message += bytes
        }
        return mac.authenticationCode(for: message)
    }

    /// The bytes without leading and trailing spaces or NULs.
    static func trimmed(_ bytes: some BidirectionalCollection<UInt8>) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0 }),
            let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0 })
        else { return [] }
        return Array(bytes[first...last])
    }

    /// The value without leading and trailing spaces or NULs.
    static func trimmed(_ value: String) -> String {
        let scalars = value.unicodeScalars
        let isPadding: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\0" }
        guard let first = scalars.firstIndex(where: { !isPadding($0) }),
            let last = scalars.lastIndex(where: { !isPadding($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
