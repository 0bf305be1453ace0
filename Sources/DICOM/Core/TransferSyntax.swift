/// A transfer syntax: how a data set is encoded on the wire (PS3.5 §10, PS3.6 Annex A).
///
/// Open set keyed by UID. Known UIDs carry their encoding facts; an unknown UID is read as explicit VR
/// little endian with encapsulated pixel data, which is how PS3.5 §10 requires every transfer syntax other
/// than the three native ones and deflate to be encoded.
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    /// The transfer syntax UID.
    public var uid: String
    /// Whether elements carry their VR (PS3.5 §7.1.2); false only for implicit VR little endian.
    public var isExplicitVR: Bool
    /// Whether binary values are big endian (PS3.5 §7.3); only the retired explicit VR big endian.
    public var isBigEndian: Bool
    /// Whether the data set after the file meta group is deflated (RFC 1951, PS3.5 §A.5).
    public var isDeflated: Bool
    /// Whether pixel data is encapsulated in fragments (PS3.5 §A.4).
    public var isEncapsulated: Bool
    /// A short name for listings.
    public var name: String

    /// Creates a transfer syntax from its facts.
    public init(
        uid: String, isExplicitVR: Bool = true, isBigEndian: Bool = false, isDeflated: Bool = false,
        isEncapsulated: Bool = true, name: String
    ) {
        self.uid = uid
        self.isExplicitVR = isExplicitVR
        self.isBigEndian = isBigEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
        self.name = name
    }

    /// Looks up a UID (trailing NUL and space padding ignored); unknown UIDs are encapsulated explicit VR LE.
    public init(uid rawUID: String) {
        let uid = String(rawUID.unicodeScalars.filter { $0 != "\0" && $0 != " " })
        if let known = Self.known.first(where: { $0.uid == uid }) {
            self = known
        } else {
            self.init(uid: uid, name: "Unknown Transfer Syntax")
        }
    }

    /// Whether pixel data is native (not encapsulated).
    public var isNative: Bool { !isEncapsulated }

    /// Whether this UID is in the list of known syntaxes.
    public var isKnown: Bool { Self.known.contains(where: { $0.uid == uid }) }

    /// The UID and name.
    public var description: String { "\(uid) (\(name))" }

    /// 1.2.840.10008.1.2 Implicit VR Little Endian, the default (PS3.5 §A.1).
    public static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", isExplicitVR: false, isEncapsulated: false, name: "Implicit VR Little Endian")
    /// 1.2.840.10008.1.2.1 Explicit VR Little Endian (PS3.5 §A.2).
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", isEncapsulated: false, name: "Explicit VR Little Endian")
    /// 1.2.840.10008.1.2.1.99 Deflated Explicit VR Little Endian (PS3.5 §A.5).
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.99", isDeflated: true, isEncapsulated: false,
        name: "Deflated Explicit VR Little Endian")
    /// 1.2.840.10008.1.2.2 Explicit VR Big Endian, retired (PS3.5 §A.3).
    public static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", isBigEndian: true, isEncapsulated: false, name: "Explicit VR Big Endian")

    /// Native and encapsulated syntaxes of PS3.6 Table A-1 the reader recognises by name.
    public static let known: [TransferSyntax] = [
        implicitVRLittleEndian, explicitVRLittleEndian, deflatedExplicitVRLittleEndian, explicitVRBigEndian,
        .init(uid: "1.2.840.10008.1.2.1.98", isEncapsulated: false, name: "Encapsulated Uncompressed Explicit VR LE"),
        .init(uid: "1.2.840.10008.1.2.4.50", name: "JPEG Baseline (Process 1)"),
        .init(uid: "1.2.840.10008.1.2.4.51", name: "JPEG Extended (Process 2 & 4)"),
        .init(uid: "1.2.840.10008.1.2.4.57", name: "JPEG Lossless (Process 14)"),
        .init(uid: "1.2.840.10008.1.2.4.70", name: "JPEG Lossless SV1"),
        .init(uid: "1.2.840.10008.1.2.4.80", name: "JPEG-LS Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.81", name: "JPEG-LS Near-Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.90", name: "JPEG 2000 Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.91", name: "JPEG 2000"),
        .init(uid: "1.2.840.10008.1.2.4.92", name: "JPEG 2000 Multi-component Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.93", name: "JPEG 2000 Multi-component"),
        .init(uid: "1.2.840.10008.1.2.4.100", name: "MPEG2 Main Profile"),
        .init(uid: "1.2.840.10008.1.2.4.102", name: "MPEG-4 AVC/H.264 High Profile"),
        .init(uid: "1.2.840.10008.1.2.4.110", name: "JPEG XL Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.201", name: "HTJ2K Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.203", name: "HTJ2K"),
        .init(uid: "1.2.840.10008.1.2.5", name: "RLE Lossless"),
    ]
}
