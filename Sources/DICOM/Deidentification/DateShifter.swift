/// Moves a patient's dates and times by one fixed offset (PS3.15 E.3.6, Retain Longitudinal Temporal
/// Information with Modified Dates), so that every shifted value is still a valid date or time and the
/// intervals between a patient's values survive.
///
/// The offset is `days` (negative) plus `seconds` within a day, so it moves times of day too:
/// - a DT with a time moves by the whole offset, exactly;
/// - a TM moves by `seconds`; when it passes midnight, the date that goes with it in the same data set
///   or item (Study Date with Study Time, Acquisition Date with Acquisition Time…) takes the carry, so the
///   pair moves exactly as a DT would;
/// - a DA without its time, and a DT of day precision, move by `wholeDays`, the whole number of days
///   nearest to the offset.
///
/// Values that are not a full calendar date (a DT of year precision, say) cannot be shifted; the caller
/// then applies the Basic Profile action instead.
struct DateShifter: Sendable {
    /// The whole days of the offset (negative moves back in time).
    let days: Int
    /// The part of the offset within a day, 0..<86400 seconds, added to `days`.
    let seconds: Int

    static let secondsPerDay = 86_400

    init(days: Int, seconds: Int = 0) {
        self.days = days + seconds.floorDivided(by: Self.secondsPerDay)
        self.seconds = seconds.nonNegativeRemainder(Self.secondsPerDay)
    }

    /// The offset in whole days for a date given without its time: the nearest whole day.
    var wholeDays: Int { seconds >= Self.secondsPerDay / 2 ? days + 1 : days }

    // MARK: DA

    /// A DA value (possibly multi-valued, or a range `A-B`, PS3.5 Table 6.2-1) shifted; `nil` if any part
    /// is not a valid date. The ACR-NEMA form `YYYY.MM.DD` is written back as `YYYYMMDD`.
    /// - Parameter carry: For a date that goes with a time, the days its time carried past midnight (it
    ///   then moves by `days` plus the carry); `nil` for a date on its own, which moves by `wholeDays`.
    func shiftedDA(_ text: String, carry: Int? = nil) -> String? {
        let offset = carry.map { days + $0 } ?? wholeDays
        return Self.mappingValues(text) { shiftedDate(String($0.filter { $0 != "." }), by: offset) }
    }

    /// The common case on value bytes: one `YYYYMMDD` date, possibly padded; `nil` for anything else
    /// (multiple values, ranges, invalid dates), which `shiftedDA(_:carry:)` then handles.
    func shiftedPlainDA(_ bytes: [UInt8], carry: Int? = nil) -> [UInt8]? {
        let offset = carry.map { days + $0 } ?? wholeDays
        var count = bytes.count
        while count > 0, bytes[count - 1] == 0x20 || bytes[count - 1] == 0 { count -= 1 }
        guard count == 8, let date = Self.civilDate(bytes[0..<8]) else { return nil }
        let (year, month, day) = Self.civil(fromDays: Self.days(year: date.0, month: date.1, day: date.2) + offset)
        guard (1...9999).contains(year) else { return nil }
        return Array((Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2)).utf8)
    }

    // MARK: TM

    /// A TM value shifted by `seconds`, with the days it carried past midnight (0 or 1, from the first
    /// value); `nil` if any value is not a valid time. Every value is written `HHMMSS` with its fraction
    /// kept; the ACR-NEMA form `HH:MM:SS` is read too.
    func shiftedTM(_ text: String) -> (text: String, carry: Int)? {
        var carry: Int?
        let shifted = Self.mappingValues(text) { part -> String? in
            guard let time = Self.timeOfDay(part) else { return nil }
            let moved = time.seconds + seconds
            if carry == nil { carry = moved / Self.secondsPerDay }
            return Self.timeText(moved % Self.secondsPerDay) + time.fraction
        }
        return shifted.map { ($0, carry ?? 0) }
    }

    /// The common case on value bytes: one `HHMMSS` time with an optional fraction, possibly padded;
    /// `nil` for anything else, which `shiftedTM(_:)` then handles.
    func shiftedPlainTM(_ bytes: [UInt8]) -> (bytes: [UInt8], carry: Int)? {
        var count = bytes.count
        while count > 0, bytes[count - 1] == 0x20 || bytes[count - 1] == 0 { count -= 1 }
        guard count >= 6, count == 6 || (count >= 8 && count <= 13 && bytes[6] == 0x2E) else { return nil }
        var digits = [Int](repeating: 0, count: 6)
        for index in 0..<count where index != 6 {
            guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            if index < 6 { digits[index] = Int(bytes[index] - 0x30) }
        }
        let hour = digits[0] * 10 + digits[1]
        let minute = digits[2] * 10 + digits[3]
        let second = digits[4] * 10 + digits[5]
        guard hour < 24, minute < 60, second < 61 else { return nil }
        let moved = hour * 3600 + minute * 60 + min(second, 59) + seconds
        let time = moved % Self.secondsPerDay
        var out = Array(Self.timeText(time).utf8)
        out += bytes[6..<count]
        return (out, moved / Self.secondsPerDay)
    }

    /// Each value of a multi-valued DA or TM (backslash-separated), and each end of a range `A-B` (either
    /// end may be empty, PS3.4 C.2.2.2.5), mapped by `transform`, blanks dropped; `nil` if any part fails.
    static func mappingValues(_ text: String, _ transform: (Substring) -> String?) -> String? {
        var values: [String] = []
        for value in text.split(separator: "\\", omittingEmptySubsequences: false) {
            let trimmed = value.filter { $0 != " " && $0 != "\0" }
            let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            var mapped: [String] = []
            for part in parts {
                if part.isEmpty && (parts.count == 2 || trimmed.isEmpty) {
                    mapped.append("")
                    continue
                }
                guard let result = transform(part) else { return nil }
                mapped.append(result)
            }
            values.append(mapped.joined(separator: "-"))
        }
        return values.joined(separator: "\\")
    }

    // MARK: DT

    /// A DT value shifted: by the whole offset when it has a time, by `wholeDays` when it has a date only;
    /// fraction and UTC offset kept. `nil` when a value has less than day precision or is not valid.
    func shiftedDT(_ text: String) -> String? {
        var values: [String] = []
        for value in text.split(separator: "\\", omittingEmptySubsequences: false) {
            let trimmed = Substring(value.filter { $0 != " " && $0 != "\0" })
            if trimmed.isEmpty {
                values.append("")
                continue
            }
            // The UTC offset `&ZZXX` (PS3.5 Table 6.2-1) ends the value.
            var body = trimmed
            var zone = Substring("")
            if let sign = trimmed.dropFirst(8).firstIndex(where: { $0 == "+" || $0 == "-" }) {
                body = trimmed[..<sign]
                zone = trimmed[sign...]
            }
            guard body.count >= 8, let date = Self.civilDate(Array(body.prefix(8).utf8)[...]) else { return nil }
            let rest = body.dropFirst(8)
            let dayNumber = Self.days(year: date.0, month: date.1, day: date.2)
            if rest.isEmpty {
                guard let shifted = Self.dateText(dayNumber + wholeDays) else { return nil }
                values.append(shifted + zone)
                continue
            }
            guard let time = Self.timeOfDay(rest, allowsSeparators: false) else { return nil }
            let moved = time.seconds + seconds
            guard let shifted = Self.dateText(dayNumber + days + moved.floorDivided(by: Self.secondsPerDay)) else {
                return nil
            }
            values.append(shifted + Self.timeText(moved.nonNegativeRemainder(Self.secondsPerDay)) + time.fraction + zone)
        }
        return values.joined(separator: "\\")
    }

    // MARK: Calendar

    /// `YYYYMMDD` moved by `offset` days; `nil` unless eight digits forming a valid Gregorian date, and
    /// unless the result stays within years 1...9999.
    func shiftedDate(_ text: String, by offset: Int) -> String? {
        guard let date = Self.civilDate(Array(text.utf8)[...]) else { return nil }
        return Self.dateText(Self.days(year: date.0, month: date.1, day: date.2) + offset)
    }

    /// Eight ASCII digits read as a valid Gregorian (year, month, day).
    static func civilDate(_ digits: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let start = digits.startIndex
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + Int(digits[start + $1] - 0x30) } }
        let (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return (year, month, day)
    }

    /// The date of a day number as `YYYYMMDD`; `nil` outside years 1...9999.
    static func dateText(_ dayNumber: Int) -> String? {
        let (year, month, day) = civil(fromDays: dayNumber)
        guard (1...9999).contains(year) else { return nil }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    /// A time of day `HH[MM[SS[.F{1,6}]]]` (or `HH:MM:SS` when `allowsSeparators`) as seconds since
    /// midnight and the fraction text (`.F…`, or empty) to write back.
    static func timeOfDay(_ text: Substring, allowsSeparators: Bool = true) -> (seconds: Int, fraction: String)? {
        var body = text
        var fraction = ""
        if let dot = text.firstIndex(of: ".") {
            body = text[..<dot]
            fraction = String(text[dot...])
            guard fraction.count >= 2, fraction.count <= 7, fraction.dropFirst().allSatisfy(\.isASCIIDigit) else {
                return nil
            }
        }
        if allowsSeparators { body = body.filter { $0 != ":" }[...] }
        guard [2, 4, 6].contains(body.count), body.allSatisfy(\.isASCIIDigit) else { return nil }
        let digits = Array(body.utf8).map { Int($0 - 0x30) }
        let hour = digits[0] * 10 + digits[1]
        let minute = digits.count >= 4 ? digits[2] * 10 + digits[3] : 0
        let second = digits.count >= 6 ? digits[4] * 10 + digits[5] : 0
        // PS3.5 allows 60 for a leap second.
        guard hour < 24, minute < 60, second < 61 else { return nil }
        guard fraction.isEmpty || body.count == 6 else { return nil }
        return (hour * 3600 + minute * 60 + min(second, 59), fraction)
    }

    /// Seconds since midnight as `HHMMSS`.
    static func timeText(_ seconds: Int) -> String {
        pad(seconds / 3600, 2) + pad(seconds / 60 % 60, 2) + pad(seconds % 60, 2)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date
    /// algorithms", days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(year:month:day:)` (civil_from_days).
    static func civil(fromDays count: Int) -> (Int, Int, Int) {
        let z = count + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int {
    /// The quotient rounded towards minus infinity.
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }

    /// The remainder in `0..<divisor`.
    func nonNegativeRemainder(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}

extension Character {
    /// An ASCII digit 0-9 (not the other Unicode digits `isNumber` accepts).
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
