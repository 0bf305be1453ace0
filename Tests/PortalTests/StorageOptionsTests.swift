import ArgumentParser
import Storage
import Testing

@testable import Portal

/// The storage settings `portal serve` resolves beside the HTTP ones: flag, then variable, then default.
@Suite struct StorageOptionsTests {
    @Test func restartAttemptsComeFromTheFlagThenTheVariableThenTheDefault() throws {
        #expect(try StorageOptions.supervision(restartAttempts: nil, environment: [:]).restartAttempts == 5)
        let fromVariable = try StorageOptions.supervision(
            restartAttempts: nil, environment: ["PORTAL_DATABASE_RESTART_ATTEMPTS": "0"])
        #expect(fromVariable.restartAttempts == 0)
        let fromFlag = try StorageOptions.supervision(
            restartAttempts: 12, environment: ["PORTAL_DATABASE_RESTART_ATTEMPTS": "3"])
        #expect(fromFlag.restartAttempts == 12)
    }

    @Test(arguments: [(nil, "-1"), (nil, "many"), (nil, "101"), (101, ""), (-1, "")] as [(Int?, String)])
    func rejectsRestartAttemptsOutOfRange(flag: Int?, variable: String) {
        #expect(throws: ValidationError.self) {
            try StorageOptions.supervision(
                restartAttempts: flag, environment: ["PORTAL_DATABASE_RESTART_ATTEMPTS": variable])
        }
    }
}
