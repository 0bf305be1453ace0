import ArgumentParser

/// Exit statuses of `portal` beyond 0 (success) and 1 (a failure its message explains), taken from
/// sysexits.h so that a supervisor (systemd, a shell script) can tell them apart.
enum PortalExitStatus {
    /// 69 (`EX_UNAVAILABLE`): the private PostgreSQL died and could not be restarted within
    /// `--database-restart-attempts`.
    static let databaseGaveUp = ExitCode(69)
    /// 75 (`EX_TEMPFAIL`): another process holds the data folder's lock; trying again after it stopped
    /// may succeed.
    static let dataDirectoryInUse = ExitCode(75)
}
