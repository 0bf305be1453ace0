/// A parsed route template: literal segments and `{name}` parameters.
struct PathTemplate: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The template as written.
    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    /// Longest path, in segments, the router considers.
    static let maxSegments = 64

    /// Nil when `path` does not match; otherwise a precedence score: bit 63 - i is set when segment i
    /// matched a literal, so a literal beats a parameter at the first position where two routes differ.
    func score(_ path: [String]) -> UInt64? {
        guard path.count == segments.count else { return nil }
        var score: UInt64 = 0
        for index in 0..<path.count {
            switch segments[index] {
            case .literal(let literal):
                guard literal == path[index] else { return nil }
                score |= 1 << UInt64(63 - index)
            case .parameter:
                guard !path[index].isEmpty else { return nil }
            }
        }
        return score
    }

    /// Parameter values by name for a matching path.
    func parameters(_ path: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for (segment, value) in zip(segments, path) {
            if case .parameter(let name) = segment { result[name] = value }
        }
        return result
    }
}
