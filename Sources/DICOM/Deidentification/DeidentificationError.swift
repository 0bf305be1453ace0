/// Why an instance was refused for de-identification.
///
/// The description never holds a value from the instance (no names, IDs, dates or UIDs); it names the
/// attribute and the rule, so it can be shown to the centre and logged.
public struct DeidentificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Burned In Annotation is YES and no blanking rule matches the manufacturer and model.
        public static let burnedInAnnotation = Code(rawValue: "burned-in-annotation")
        /// Patient ID (0010,0020) is missing or empty, so no pseudonym can be made.
        public static let missingPatientID = Code(rawValue: "missing-patient-id")
        /// The pixel data cannot be processed as required (e.g. blanking of encapsulated pixel data).
        public static let unsupportedPixelData = Code(rawValue: "unsupported-pixel-data")
        /// A value could not be encoded in the instance's character set.
        public static let unencodable = Code(rawValue: "unencodable")
        /// The event stream did not follow `StreamEvent`'s grammar.
        public static let invalidStream = Code(rawValue: "invalid-stream")
    }

    /// What went wrong.
    public var code: Code
    /// The attribute concerned, if any.
    public var tag: Tag?
    /// A sentence saying why; holds no value from the instance.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, tag: Tag? = nil, _ reason: String) {
        self.code = code
        self.tag = tag
        self.reason = reason
    }

    public var description: String {
        "de-identification refused (\(code.rawValue))" + (tag.map { " at \($0)" } ?? "") + ": " + reason
    }
}
