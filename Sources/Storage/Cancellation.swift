import Synchronization

/// Suspends until the current task is cancelled, holding no thread meanwhile.
enum Cancellation {
    private final class Slot: Sendable {
        let state = Mutex<(isCancelled: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))
    }

    static func wait() async {
        let slot = Slot()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let isCancelled = slot.state.withLock { state in
                    if !state.isCancelled { state.continuation = continuation }
                    return state.isCancelled
                }
                if isCancelled { continuation.resume() }
            }
        } onCancel: {
            let continuation = slot.state.withLock { state in
                state.isCancelled = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume()
        }
    }
}
