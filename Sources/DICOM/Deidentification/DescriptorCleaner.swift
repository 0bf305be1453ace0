import Foundation

/// Removes identifying substrings from free text, for Clean Descriptors (PS3.15 E.3.5) and the text of
/// cleaned structured content and graphics (E.3.3, E.3.4).
///
/// Research teams build cohorts from descriptions ("THORAX SANS INJECTION", "COVID HR 1mm"), so a
/// description is kept once every identifying part is gone:
/// - every word of every person name in the instance (Patient's Name, physicians, operators…, all PN);
/// - the value of every text attribute of the instance that the profile removes or replaces (IDs,
///   accession numbers, institution, station…), matched as a whole phrase;
/// - anything that reads as a date (`17/04/1961`, `1961-04-17`, `17.04.61`, `19610417`, `17-Apr-1961`,
///   `17 avril 1961`, `April 17, 1961`) or a time of day (`10:32`, `10h32`, `10:32:05`);
/// - any run of five or more digits (identifiers, dates without separators).
/// Matching ignores case and accents and respects word boundaries. What remains keeps its own spacing and
/// punctuation; a text left without a letter is not kept at all, and the caller applies the Basic Profile
/// action instead.
struct DescriptorCleaner: Sendable {
    /// Folded name words (upper case, no accents), two letters or more.
    private(set) var nameWords: Set<String> = []
    /// Phrases (whole values of removed attributes, as tokens), three characters or more.
    private(set) var phrases: [[Token]] = []

    /// Digits in a run that make it identifying on its own.
    static let longDigitRun = 5

    /// Adds the words of a person name (PS3.5 §6.2.1: components split at `^`, groups at `=`).
    mutating func addName(_ name: String) {
        for token in Self.tokens(of: name) where token.kind == .letters && token.folded.count >= 2 {
            nameWords.insert(token.folded)
        }
    }

    /// Adds the value of an attribute the profile removes or replaces, as a phrase to remove wherever it
    /// occurs whole.
    mutating func addPhrase(_ value: String) {
        var tokens = Self.tokens(of: value)[...]
        while tokens.first?.kind == .separator { tokens.removeFirst() }
        while tokens.last?.kind == .separator { tokens.removeLast() }
        let length = tokens.reduce(0) { $0 + ($1.kind == .separator ? 0 : $1.folded.count) }
        guard length >= 3, !phrases.contains(Array(tokens)) else { return }
        phrases.append(Array(tokens))
    }

    /// The text without its identifying parts; the text itself when it has none; `nil` when parts were
    /// removed and no letter remains.
    func clean(_ text: String) -> String? {
        let tokens = Self.tokens(of: text)
        var removed = [Bool](repeating: false, count: tokens.count)
        markPhrases(tokens, &removed)
        for (index, token) in tokens.enumerated() {
            switch token.kind {
            case .letters where nameWords.contains(token.folded): removed[index] = true
            case .digits where token.folded.count >= Self.longDigitRun: removed[index] = true
            default: break
            }
        }
        Self.markDates(tokens, &removed)
        guard removed.contains(true) else { return text }
        return Self.rebuild(tokens, removed)
    }

    // MARK: Tokens

    /// A run of letters, of ASCII digits, or of anything else.
    struct Token: Sendable, Equatable {
        enum Kind: Sendable { case letters, digits, separator }
        var kind: Kind
        /// The text as written.
        var text: Substring
        /// Upper case without accents, for comparisons; equals `text` for separators.
        var folded: String

        static func == (lhs: Token, rhs: Token) -> Bool { lhs.kind == rhs.kind && lhs.folded == rhs.folded }
    }

    /// The text cut into runs of letters, of ASCII digits and of anything else, on its UTF-8 bytes (a
    /// non-ASCII character is a letter when Unicode says it is alphabetic).
    static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var kind: Token.Kind?
        var isASCII = true
        func close(at end: String.Index) {
            guard let kind, start < end else { return }
            let slice = text[start..<end]
            let folded: String
            if kind == .separator {
                folded = String(slice)
            } else if isASCII {
                folded = String(decoding: slice.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
            } else {
                folded = fold(slice)
            }
            tokens.append(Token(kind: kind, text: slice, folded: folded))
        }
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            let next: Token.Kind
            var after = utf8.index(after: index)
            if byte < 0x80 {
                let isLetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
                next = byte >= 0x30 && byte <= 0x39 ? .digits : isLetter ? .letters : .separator
            } else {
                let scalar = text.unicodeScalars[index]
                after = text.unicodeScalars.index(after: index)
                next = scalar.properties.isAlphabetic ? .letters : .separator
            }
            if next != kind {
                close(at: index)
                start = index
                kind = next
                isASCII = true
            }
            if byte >= 0x80 { isASCII = false }
            index = after
        }
        close(at: utf8.endIndex)
        return tokens
    }

    /// Upper case without accents, for text that is not ASCII.
    static func fold(_ text: Substring) -> String {
        var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).uppercased()
        // Letters that are not a base letter with a diacritic, as names are often typed without them.
        if folded.contains(where: { !$0.isASCII }) {
            for (letter, plain) in Self.transliterations { folded = folded.replacing(letter, with: plain) }
        }
        return folded
    }

    static let transliterations: [(String, String)] = [
        ("Æ", "AE"), ("Ø", "O"), ("Œ", "OE"), ("ẞ", "SS"), ("Ł", "L"), ("Đ", "D"), ("Þ", "TH"), ("Ð", "D"),
    ]

    // MARK: Marking

    /// Marks each whole occurrence of a phrase: the same words, with separators where the value has them
    /// (any separator matches any other) and none where it has none, so `CT1` never matches `CT 1mm`.
    private func markPhrases(_ tokens: [Token], _ removed: inout [Bool]) {
        for phrase in phrases where phrase.count <= tokens.count {
            var start = 0
            while start + phrase.count <= tokens.count {
                let end = start + phrase.count
                // Whole words only: nothing but a separator (or the text's end) on either side.
                let isBounded = (start == 0 || tokens[start - 1].kind == .separator)
                    && (end == tokens.count || tokens[end].kind == .separator)
                let matches = isBounded && zip(tokens[start..<end], phrase).allSatisfy { text, wanted in
                    text.kind == wanted.kind && (text.kind == .separator || text.folded == wanted.folded)
                }
                if matches {
                    for index in start..<start + phrase.count { removed[index] = true }
                    start += phrase.count
                } else {
                    start += 1
                }
            }
        }
    }

    static let months: [String: Int] = {
        let names = [
            ["JAN", "JANUARY", "JANV", "JANVIER"], ["FEB", "FEBRUARY", "FEV", "FEVR", "FEVRIER"],
            ["MAR", "MARCH", "MARS"], ["APR", "APRIL", "AVR", "AVRIL"], ["MAY", "MAI"],
            ["JUN", "JUNE", "JUIN"], ["JUL", "JULY", "JUIL", "JUILLET"], ["AUG", "AUGUST", "AOUT"],
            ["SEP", "SEPT", "SEPTEMBER", "SEPTEMBRE"], ["OCT", "OCTOBER", "OCTOBRE"],
            ["NOV", "NOVEMBER", "NOVEMBRE"], ["DEC", "DECEMBER", "DECEMBRE"],
        ]
        var months: [String: Int] = [:]
        for (index, forms) in names.enumerated() { for form in forms { months[form] = index + 1 } }
        return months
    }()

    /// Marks dates and times of day written in the common numeric and named forms.
    static func markDates(_ tokens: [Token], _ removed: inout [Bool]) {
        func digits(_ index: Int, _ counts: ClosedRange<Int>) -> Bool {
            index < tokens.count && tokens[index].kind == .digits && counts.contains(tokens[index].folded.count)
        }
        func separator(_ index: Int, _ allowed: Set<Character>) -> Bool {
            guard index < tokens.count, tokens[index].kind == .separator else { return false }
            let text = tokens[index].text.filter { $0 != " " }
            return text.count <= 1 && (text.isEmpty ? allowed.contains(" ") : allowed.contains(text.first!))
        }
        func month(_ index: Int) -> Bool {
            index < tokens.count && tokens[index].kind == .letters && months[tokens[index].folded] != nil
        }
        func mark(_ range: ClosedRange<Int>) { for index in range { removed[index] = true } }
        let numeric: Set<Character> = ["/", "-", "."]
        let named: Set<Character> = [" ", "-", ".", "/"]
        for index in tokens.indices {
            // 17/04/1961, 17-04-61, 17.04.1961, 04/17/1961
            if digits(index, 1...2), separator(index + 1, numeric), digits(index + 2, 1...2),
                separator(index + 3, numeric), digits(index + 4, 2...4)
            {
                mark(index...index + 4)
            }
            // 1961-04-17, 1961/04/17, 1961.04.17
            if digits(index, 4...4), separator(index + 1, numeric), digits(index + 2, 1...2),
                separator(index + 3, numeric), digits(index + 4, 1...2)
            {
                mark(index...index + 4)
            }
            // 17 Apr 1961, 17-avril-1961
            if digits(index, 1...2), separator(index + 1, named), month(index + 2), separator(index + 3, named),
                digits(index + 4, 2...4)
            {
                mark(index...index + 4)
            }
            // April 17, 1961 and April 1961
            if month(index), separator(index + 1, named), digits(index + 2, 1...4) {
                var end = index + 2
                if tokens[end].folded.count <= 2, index + 4 < tokens.count, tokens[index + 3].kind == .separator,
                    digits(index + 4, 4...4)
                {
                    end = index + 4
                }
                mark(index...end)
            }
            // 10:32, 10h32, 10:32:05
            if digits(index, 1...2), index + 2 < tokens.count,
                tokens[index + 1].text == ":" || tokens[index + 1].folded == "H", digits(index + 2, 2...2)
            {
                var end = index + 2
                if index + 4 < tokens.count, tokens[index + 3].text == ":", digits(index + 4, 2...2) { end = index + 4 }
                mark(index...end)
            }
        }
    }

    // MARK: Rebuilding

    /// The kept tokens: the original separator between two kept tokens when nothing was removed between
    /// them, one space where something was; nothing at either end next to a removed part.
    static func rebuild(_ tokens: [Token], _ removed: [Bool]) -> String? {
        var out = ""
        var pending = ""  // separators since the last kept word
        var gap = false  // whether a removed token lies between the last kept word and here
        var hasWord = false
        for (index, token) in tokens.enumerated() {
            if removed[index] {
                gap = true
                continue
            }
            if token.kind == .separator {
                pending += token.text
                continue
            }
            if hasWord { out += gap ? " " : pending }
            out += token.text
            pending = ""
            gap = false
            hasWord = true
        }
        if hasWord, !gap { out += pending.drop(while: { $0 == " " }).isEmpty ? "" : pending }
        let trimmed = out.trimmingCharacters(in: .whitespaces)
        return trimmed.contains(where: \.isLetter) ? trimmed : nil
    }
}
