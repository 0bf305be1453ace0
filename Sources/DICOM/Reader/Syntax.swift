/// How the bytes of one data set are laid out: the part of a transfer syntax the element parser needs.
struct Syntax: Equatable, Sendable {
    /// Whether elements carry a VR.
    var isExplicitVR: Bool
    /// Whether numbers are big endian.
    var isBigEndian: Bool

    /// Implicit VR little endian, which PS3.5 §6.2.2 prescribes inside UN values of undefined length.
    static let implicitLittle = Syntax(isExplicitVR: false, isBigEndian: false)
    /// Explicit VR little endian: the file meta group (PS3.10 §7.1) and encapsulated item headers.
    static let explicitLittle = Syntax(isExplicitVR: true, isBigEndian: false)

    init(isExplicitVR: Bool, isBigEndian: Bool) {
        self.isExplicitVR = isExplicitVR
        self.isBigEndian = isBigEndian
    }

    init(_ transferSyntax: TransferSyntax) {
        self.init(isExplicitVR: transferSyntax.isExplicitVR, isBigEndian: transferSyntax.isBigEndian)
    }
}

/// Thrown inside the parser when the buffer ends before the structure does and more input may come.
struct NeedMoreInput: Error {}

/// The header of one element as read from the stream (PS3.5 §7.1.2, §7.1.3).
struct ElementHeader {
    /// The tag.
    var tag: Tag
    /// The VR: as encoded (explicit), from the dictionary (implicit), or `nil` for delimiters.
    var vr: VR?
    /// Value length; `undefinedLength` for undefined.
    var length: UInt32
    /// Bytes the header occupies: 8 or 12.
    var size: Int

    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    var hasUndefinedLength: Bool { length == Self.undefinedLength }
}

extension ArraySlice<UInt8> {
    /// Reverses each `unit`-byte group, converting between big- and little-endian numbers (PS3.5 §7.3).
    /// A trailing partial group is left as is.
    func swappingBytes(unit: Int) -> [UInt8] {
        var result = Array(self)
        guard unit > 1 else { return result }
        result.withUnsafeMutableBufferPointer { buffer in
            var index = 0
            while index + unit <= buffer.count {
                var low = index
                var high = index + unit - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                index += unit
            }
        }
        return result
    }
}
