/// An error reading or writing DICOM, with where it happened and why (PS3.5 conformance).
///
/// The description carries the byte offset, the tag and the reason but never a value, so it is safe
/// to log and to show to the centre that sent the file.
public struct DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code's name, stable for logs and problem documents.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The stream ended inside a structure.
        public static let truncated = Code(rawValue: "truncated")
        /// The bytes do not form a valid encoding (bad length, tag, delimiter, VR...).
        public static let malformed = Code(rawValue: "malformed")
        /// A configured limit (depth, element count, value size) was exceeded.
        public static let limitExceeded = Code(rawValue: "limit-exceeded")
        /// Something valid that this implementation does not handle.
        public static let unsupported = Code(rawValue: "unsupported")
        /// The stream is not DICOM at all.
        public static let notDICOM = Code(rawValue: "not-dicom")
        /// The caller used the API out of order (e.g. an event the writer cannot accept now).
        public static let invalidUse = Code(rawValue: "invalid-use")
    }

    /// The kind of problem.
    public var code: Code
    /// Offset from the start of the stream (of the decoded data set, for deflated syntaxes), if known.
    public var offset: Int?
    /// The element concerned, if any.
    public var tag: Tag?
    /// A sentence saying what is wrong; holds no value bytes.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, offset: Int? = nil, tag: Tag? = nil, _ reason: String) {
        self.code = code
        self.offset = offset
        self.tag = tag
        self.reason = reason
    }

    /// `DICOM <code> at byte <offset> in <tag>: <reason>`.
    public var description: String {
        var text = "DICOM \(code.rawValue)"
        if let offset { text += " at byte \(offset)" }
        if let tag { text += " in \(tag)" }
        return text + ": " + reason
    }
}
