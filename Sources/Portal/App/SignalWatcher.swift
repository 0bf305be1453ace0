import Dispatch
import Glibc

/// Calls a closure when the process receives one of the given signals (SIGINT, SIGTERM), instead of the
/// default action of ending the process, so that the portal can shut down gracefully.
final class SignalWatcher: Sendable {
    // Touched only on creation and in cancel(); DispatchSource is thread-safe for cancel.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops watching; the signals keep being ignored until the process ends.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
