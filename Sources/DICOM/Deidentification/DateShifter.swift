/// Moves DA and DT values by whole days (PS3.15 E.3.6, Retain Longitudinal Temporal Information with
/// Modified Dates), so that every shifted value is still a valid date and intervals between a patient's
/// dates are unchanged.
///
/// Times of day are left as they are: a whole-day shift keeps every interval exact. Values that are not a
/// full calendar date (e.g. a DT of year precision) cannot be shifted; the caller then falls back to the
/// Basic Profile action.
struct DateShifter: Sendable {
    /// The shift in days (negative moves back in time).
    let days: Int

    /// A DA value (possibly multi-valued or a range `A-B`, PS3.5 Table 6.2-1) shifted; `nil` if any
    /// part is not a valid date. The ACR-NEMA form `YYYY.MM.DD` is read and written back as `YYYYMMDD`.
    func shiftedDA(_ text: String) -> String? {
        var values: [String] = []
        for value in text.split(separator: "\\", omittingEmptySubsequences: false) {
            let trimmed = value.filter { $0 != " " }
            if trimmed.isEmpty {
                values.append("")
                continue
            }
            let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            var shiftedParts: [String] = []
            for part in parts {
                if part.isEmpty && parts.count == 2 {
                    shiftedParts.append("")
                    continue
                }
                guard let shifted = shiftedDate(String(part.filter { $0 != "." })) else { return nil }
                shiftedParts.append(shifted)
            }
            values.append(shiftedParts.joined(separator: "-"))
        }
        return values.joined(separator: "\\")
    }

    /// A DT value with its first eight characters a full date, shifted; time, fraction and UTC offset
    /// kept. `nil` when the value has less than day precision or is not a valid date.
    func shiftedDT(_ text: String) -> String? {
        var values: [String] = []
        for value in text.split(separator: "\\", omittingEmptySubsequences: false) {
            let trimmed = String(value.filter { $0 != " " })
            if trimmed.isEmpty {
                values.append("")
                continue
            }
            let characters = Array(trimmed)
            guard characters.count >= 8, let date = shiftedDate(String(characters[0..<8])) else { return nil }
            values.append(date + String(characters[8...]))
        }
        return values.joined(separator: "\\")
    }

    /// The common case on value bytes: one `YYYYMMDD` date, possibly padded with a space; `nil` for
    /// anything else (multiple values, ranges, invalid dates), which `shiftedDA(_:)` then handles.
    func shiftedPlainDA(_ bytes: [UInt8]) -> [UInt8]? {
        var count = bytes.count
        while count > 0, bytes[count - 1] == 0x20 || bytes[count - 1] == 0 { count -= 1 }
        guard count == 8 else { return nil }
        var digits = [Int](repeating: 0, count: 8)
        for index in 0..<8 {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            digits[index] = Int(byte - 0x30)
        }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        let (newYear, newMonth, newDay) = Self.civil(fromDays: Self.days(year: year, month: month, day: day) + days)
        guard (1...9999).contains(newYear) else { return nil }
        var out = [UInt8](repeating: 0x30, count: 8)
        var value = newYear * 10_000 + newMonth * 100 + newDay
        for index in stride(from: 7, through: 0, by: -1) {
            out[index] = 0x30 + UInt8(value % 10)
            value /= 10
        }
        return out
    }

    /// `YYYYMMDD` moved by `days`; `nil` unless eight digits forming a valid Gregorian date, and unless
    /// the result stays within years 1...9999.
    func shiftedDate(_ text: String) -> String? {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + Int(digits[$1] - 0x30) } }
        let year = number(0..<4)
        let month = number(4..<6)
        let day = number(6..<8)
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        let (newYear, newMonth, newDay) = Self.civil(fromDays: Self.days(year: year, month: month, day: day) + days)
        guard (1...9999).contains(newYear) else { return nil }
        return Self.pad(newYear, 4) + Self.pad(newMonth, 2) + Self.pad(newDay, 2)
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
