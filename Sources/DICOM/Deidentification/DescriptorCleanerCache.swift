import Synchronization

/// The descriptor cleaners built for recent instances, by the raw identifying values they were built from
/// (`Deidentifier.identifyingValues`): the instances of one series share them, so one cleaner serves the
/// whole series. Bounded; safe to share between the threads that de-identify in parallel.
final class DescriptorCleanerCache: Sendable {
    /// The raw values a cleaner is built from.
    struct Key: Hashable, Sendable {
        struct Phrase: Hashable, Sendable {
            var vr: VR
            var bytes: [UInt8]
        }

        var characterSet: [String]
        var names: [[UInt8]] = []
        var phrases: [Phrase] = []
    }

    /// Cleaners kept at most; the cache starts afresh when full (a series is usually all there is).
    static let capacity = 64

    private let cleaners = Mutex<[Key: DescriptorCleaner]>([:])

    /// The cleaner for `key`, built by `make` the first time.
    func cleaner(for key: Key, make: () -> DescriptorCleaner) -> DescriptorCleaner {
        if let cleaner = cleaners.withLock({ $0[key] }) { return cleaner }
        let cleaner = make()
        cleaners.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = cleaner
        }
        return cleaner
    }
}
