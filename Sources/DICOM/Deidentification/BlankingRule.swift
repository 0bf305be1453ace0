/// Rectangles of burned-in annotation to blank for one scanner model (PS3.15 E.3.1, Clean Pixel Data).
///
/// Images whose Burned In Annotation (0028,0301) is YES are refused unless a rule matches their
/// Manufacturer (0008,0070) and Manufacturer's Model Name (0008,1090); the rule's rectangles are then
/// set to zero in every frame of natively encoded pixel data.
public struct BlankingRule: Sendable, Hashable {
    /// A rectangle in pixel coordinates: `x` columns from the left, `y` rows from the top.
    public struct Rectangle: Sendable, Hashable {
        /// Left edge, in columns from the image's left.
        public var x: Int
        /// Top edge, in rows from the image's top.
        public var y: Int
        /// Width in columns; the part outside the image is ignored.
        public var width: Int
        /// Height in rows; the part outside the image is ignored.
        public var height: Int

        /// Creates a rectangle.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// Manufacturer (0008,0070), compared case-insensitively with blanks trimmed.
    public var manufacturer: String
    /// Manufacturer's Model Name (0008,1090); `nil` matches every model of the manufacturer.
    public var modelName: String?
    /// The areas to blank.
    public var rectangles: [Rectangle]

    /// Creates a rule.
    public init(manufacturer: String, modelName: String? = nil, rectangles: [Rectangle]) {
        self.manufacturer = manufacturer
        self.modelName = modelName
        self.rectangles = rectangles
    }

    /// Whether the rule applies to an image of this manufacturer and model.
    func matches(manufacturer: String?, modelName: String?) -> Bool {
        func normal(_ text: String?) -> String? {
            text.map { String($0.uppercased().drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
        }
        guard let manufacturer = normal(manufacturer), manufacturer == normal(self.manufacturer) else { return false }
        guard let wanted = self.modelName else { return true }
        return normal(modelName) == normal(wanted)
    }
}
