import Testing

@testable import DICOM

/// Dates and times moved by a patient's offset (PS3.15 E.3.6, Modified Dates): whole days plus a part of
/// a day, every value still valid, intervals kept.
@Suite struct DateShifterTests {
    /// 10 days and 2 hours back: −11 days + 22 hours.
    static let shifter = DateShifter(days: -11, seconds: 22 * 3600)

    @Test(arguments: [
        ("101500", "081500", 1),  // 10:15 + 22 h = 08:15 the next day: the date takes one more day
        ("013000", "233000", 0),  // 01:30 + 22 h = 23:30 the same day
        ("1015", "081500", 1),  // minute precision is written to the second
        ("10", "080000", 1),
        ("235959.123456", "215959.123456", 1),  // the fraction is kept
        ("10:15:00", "081500", 1),  // ACR-NEMA separators
        ("101500\\013000", "081500\\233000", 1),  // the carry comes from the first value
    ])
    func timesMoveByThePartOfADayWithTheirCarry(original: String, expected: String, carry: Int) throws {
        let shifted = try #require(Self.shifter.shiftedTM(original))
        #expect(shifted.text == expected)
        #expect(shifted.carry == carry)
    }

    @Test(arguments: ["101500", "101500.25", "235959.123456", "000000 ", "120000.5"])
    func theBytesFastPathAgreesWithTheTextPath(original: String) throws {
        let fast = try #require(Self.shifter.shiftedPlainTM(Array(original.utf8)))
        let text = try #require(Self.shifter.shiftedTM(String(original.prefix { $0 != " " })))
        #expect(String(decoding: fast.bytes, as: UTF8.self) == text.text)
        #expect(fast.carry == text.carry)
    }

    @Test(arguments: ["2460", "1260", "25", "1", "10.5", "101500.1234567", "ab"])
    func invalidTimesAreNotShifted(original: String) {
        #expect(Self.shifter.shiftedTM(original) == nil)
    }

    @Test func aDateTakesTheCarryOfItsTime() {
        // −11 days + 1 day carried = −10 days.
        #expect(Self.shifter.shiftedDA("20200311", carry: 1) == "20200301")
        #expect(Self.shifter.shiftedPlainDA(Array("20200311".utf8), carry: 1) == Array("20200301".utf8))
        // Without its time, the nearest whole day: −10 days 2 hours → −10 days.
        #expect(Self.shifter.wholeDays == -10)
        #expect(Self.shifter.shiftedDA("20200311") == "20200301")
    }

    @Test(arguments: [
        ("20200311101500", "20200301081500"),  // the whole offset, exactly
        ("20200311013000.5+0100", "20200229233000.5+0100"),  // across a month and a leap day
        ("20200311", "20200301"),  // day precision: the nearest whole day
        ("2020031110", "20200301080000"),
    ])
    func dateTimesMoveByTheWholeOffset(original: String, expected: String) {
        #expect(Self.shifter.shiftedDT(original) == expected)
    }

    @Test func aPairMovesExactlyAsADateTimeDoes() throws {
        for (date, time) in [("20201231", "235959"), ("20200101", "000000"), ("20200229", "120000")] {
            let shiftedTime = try #require(Self.shifter.shiftedTM(time))
            let shiftedDate = try #require(Self.shifter.shiftedDA(date, carry: shiftedTime.carry))
            let viaDT = try #require(Self.shifter.shiftedDT(date + time))
            #expect(shiftedDate + shiftedTime.text == viaDT)
        }
    }

    @Test func offsetsNormaliseSecondsIntoDays() {
        let shifter = DateShifter(days: -3, seconds: -3600)
        #expect(shifter.days == -4)
        #expect(shifter.seconds == 23 * 3600)
    }
}
