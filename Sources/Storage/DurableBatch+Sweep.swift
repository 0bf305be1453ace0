#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DurableBatch {
    /// Removes the staging folders under `parent` that no live batch holds (their process died or was
    /// killed), with the temporaries in them; call at start-up. A batch in progress, in this process or
    /// another sharing the folder, holds its folder's lock and is left alone.
    /// - Returns: How many temporaries were removed.
    @discardableResult
    public static func sweepOrphans(in parent: String) -> Int {
        var removed = 0
        for name in FileSystem.entries(of: parent) where name.hasPrefix(stagingPrefix) {
            let path = parent + "/" + name
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { FileSystem.closeDescriptor(descriptor) }
            // A live batch holds LOCK_EX on its folder until it is released.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            for temporary in FileSystem.entries(of: path) where unlinkat(descriptor, temporary, 0) == 0 {
                removed += 1
            }
            _ = rmdir(path)
        }
        return removed
    }
}
