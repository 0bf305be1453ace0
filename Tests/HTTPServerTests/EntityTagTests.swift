import HTTPServer
import Testing

/// Entity-tag comparison (RFC 9110 §8.8.3.2) and list conditions (§13.1.1–13.1.2) as decision tables.
@Suite struct EntityTagTests {
    /// (a, b, strong comparison, weak comparison): the example table of §8.8.3.2, then malformed tags.
    static let pairs: [(String, String, Bool, Bool)] = [
        ("W/\"1\"", "W/\"1\"", false, true),
        ("W/\"1\"", "W/\"2\"", false, false),
        ("W/\"1\"", "\"1\"", false, true),
        ("\"1\"", "\"1\"", true, true),
        ("\"a\"", "\"A\"", false, false),
        ("\"\"", "\"\"", true, true),
        ("\"a,b\"", "\"a,b\"", true, true),
        ("\"\u{E9}\"", "\"\u{E9}\"", true, true),
        // Not entity-tags: `W/` is case-sensitive, quotes are required, no space or DEL inside, nothing after.
        ("w/\"1\"", "\"1\"", false, false),
        ("1", "1", false, false),
        ("\"1", "\"1", false, false),
        ("\"1\"x", "\"1\"x", false, false),
        ("\"a b\"", "\"a b\"", false, false),
        ("\"a\u{7F}\"", "\"a\u{7F}\"", false, false),
        (" \"1\"", "\"1\"", false, false),
    ]

    @Test(arguments: pairs)
    func comparesEntityTags(a: String, b: String, strong: Bool, weak: Bool) {
        #expect(EntityTag.matches(a, b, using: .strong) == strong, "\(a) vs \(b) strong")
        #expect(EntityTag.matches(a, b, using: .weak) == weak, "\(a) vs \(b) weak")
        #expect(EntityTag.matches(b, a, using: .weak) == weak, "\(b) vs \(a) weak")
    }

    /// (condition, current entity-tag, strong, weak).
    static let lists: [(String, String?, Bool, Bool)] = [
        ("*", "\"x\"", true, true),
        ("*", nil, true, true),
        (" * ", "W/\"x\"", true, true),
        ("\"a\", \"b\"", "\"b\"", true, true),
        ("\"a\" ,\t\"b\" ", "\"b\"", true, true),
        ("\"a\",,\"b\",", "\"b\"", true, true),
        ("W/\"b\"", "\"b\"", false, true),
        ("\"b\"", "W/\"b\"", false, true),
        ("\"a\", \"c\"", "\"b\"", false, false),
        // A comma inside an opaque-tag is not a separator (a String split on "," got this wrong).
        ("\"a,b\"", "\"a,b\"", true, true),
        ("\"x\", \"a,b\"", "\"b\"", false, false),
        // Malformed lists match nothing.
        ("", "\"a\"", false, false),
        ("\"a\" \"b\"", "\"b\"", false, false),
        ("\"a\", b", "\"a\"", false, false),
        ("*, \"a\"", "\"a\"", false, false),
        ("a", "a", false, false),
        ("\"a\"", nil, false, false),
        ("\"a\"", "a", false, false),
    ]

    @Test(arguments: lists)
    func evaluatesListConditions(condition: String, current: String?, strong: Bool, weak: Bool) {
        #expect(EntityTag.listMatches(condition, current: current, using: .strong) == strong, "\(condition) strong")
        #expect(EntityTag.listMatches(condition, current: current, using: .weak) == weak, "\(condition) weak")
    }

    @Test func starNeedsACurrentRepresentation() {
        #expect(EntityTag.listMatches("*", current: nil, using: .weak, representationExists: false) == false)
    }
}
