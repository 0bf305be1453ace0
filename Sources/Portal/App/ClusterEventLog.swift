import Foundation
import Logging
import Storage

extension Logger {
    /// Logs what happened to the private PostgreSQL cluster (Storage reports, Portal logs).
    /// - Parameter restartAttempts: The configured attempts, to say "attempt 2 of 5".
    func record(_ event: ClusterSupervisor.Event, restartAttempts: Int) {
        switch event {
        case .crashed(let status):
            warning(
                "the private PostgreSQL stopped unexpectedly; database requests answer 503 until it is back",
                metadata: ["db.exitStatus": "\(status)"])
        case .restarting(let attempt, let backoff):
            notice(
                "restarting the private PostgreSQL",
                metadata: ["db.attempt": "\(attempt) of \(restartAttempts)", "db.backoff": "\(backoff)"])
        case .restartFailed(let attempt, let error):
            warning(
                "restarting the private PostgreSQL failed",
                metadata: ["db.attempt": "\(attempt) of \(restartAttempts)", "error": "\(error)"])
        case .restarted(let attempt):
            notice("the private PostgreSQL is back", metadata: ["db.attempt": "\(attempt) of \(restartAttempts)"])
        case .gaveUp(let attempts, let log):
            let why = attempts == 0
                ? "restarts are off (--database-restart-attempts 0)"
                : "it could not be restarted after \(attempts) attempt(s)"
            critical("giving up: the private PostgreSQL stopped and \(why); see \(log.path); exiting")
        }
    }
}
