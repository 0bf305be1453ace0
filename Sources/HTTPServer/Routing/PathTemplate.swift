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

    /// Nil when `path` does not match; otherwise which positions matched literally (for precedence).
    func score(_ path: [String]) -> [Bool]? {
        guard path.count == segments.count else { return nil }
        var score: [Bool] = []
        score.reserveCapacity(path.count)
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
                score.append(true)
            case .parameter:
                guard !value.isEmpty else { return nil }
                score.append(false)
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

    /// True when `score` has a literal at the first position where the two differ.
    static func isBetter(_ score: [Bool], than other: [Bool]) -> Bool {
        for (left, right) in zip(score, other) where left != right { return left }
        return false
    }
}
