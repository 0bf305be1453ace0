public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh folder under the system temporary folder, removed by `remove()`; if the test process dies first,
/// the next one removes it (`AbandonedTestFolders`).
///
/// Searchable by other users (mode 0711, not listable) so that an unprivileged PostgreSQL child can reach
/// a cluster inside it when the tests run as root.
public struct TemporaryDirectory: Sendable {
    /// The folder.
    public let url: URL

    /// The folder's path.
    public var path: String { url.path }

    /// Creates `/tmp/<prefix>XXXXXX` (the prefix starts with `portal-`), and `/tmp/<prefix>XXXXXX.owner`
    /// naming this process.
    public static func make(prefix: String = "portal-test-") throws -> TemporaryDirectory {
        precondition(prefix.hasPrefix("portal-"), "test folders are named portal-…, so abandoned ones are found")
        AbandonedTestFolders.sweepOnce
        var template = Array((FileManager.default.temporaryDirectory.path + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw CocoaError(.fileWriteUnknown) }
        let path = String(cString: made)
        chmod(path, 0o711)
        AbandonedTestFolders.claim(path)
        return TemporaryDirectory(url: URL(fileURLWithPath: path))
    }

    /// A path inside the folder.
    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
        AbandonedTestFolders.release(url.path)
    }
}
