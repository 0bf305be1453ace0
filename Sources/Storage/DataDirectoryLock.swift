public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on the portal's data folder, so that one process at a time runs its private
/// PostgreSQL cluster (and touches what lives beside it).
///
/// `flock(2)` on `<data-dir>/portal.lock`, with the holder's PID written inside for whoever is refused.
/// The kernel drops the lock when the holder's descriptor closes, so a killed portal leaves no stale lock
/// (the PID left in the file is then meaningless and is overwritten by the next holder). The descriptor is
/// close-on-exec, so the PostgreSQL child never inherits it: an orphaned server cannot keep the folder
/// locked after its portal died (the next holder stops that orphan instead).
///
/// Held until `release()`, or until the value is deinitialised.
public final class DataDirectoryLock: Sendable {
    /// The lock file's name inside the data folder.
    public static let fileName = "portal.lock"

    /// The lock file.
    public let file: URL
    private let descriptor: Mutex<Int32?>

    private init(file: URL, descriptor: Int32) {
        self.file = file
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Takes the lock on `directory`, creating the folder and the lock file if needed; never waits.
    /// - Throws: `DataDirectoryLockError` `.inUse` naming the holder's PID when another process holds it,
    ///   `.unusable` when the folder or file cannot be created or locked.
    public static func acquire(in directory: URL) throws(DataDirectoryLockError) -> DataDirectoryLock {
        let file = directory.appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DataDirectoryLockError(code: .unusable, file: file.path, context: "cannot create the data folder")
        }
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DataDirectoryLockError(code: .unusable, file: file.path, context: "cannot open (errno \(errno))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = failure == EWOULDBLOCK ? readHolder(descriptor) : nil
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw DataDirectoryLockError(
                    code: .unusable, file: file.path, context: "cannot lock (errno \(failure))")
            }
            throw DataDirectoryLockError(code: .inUse, file: file.path, holder: holder)
        }
        let record = Array("\(getpid())\n".utf8)
        let written = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard ftruncate(descriptor, off_t(record.count)) == 0, written == record.count else {
            close(descriptor)
            throw DataDirectoryLockError(code: .unusable, file: file.path, context: "cannot write the holder's PID")
        }
        return DataDirectoryLock(file: file, descriptor: descriptor)
    }

    /// Gives the lock up; the file stays (removing it would let two processes lock two different files).
    public func release() {
        guard let descriptor = descriptor.withLock({ value in defer { value = nil }; return value }) else { return }
        close(descriptor)
    }

    /// The PID the holder wrote, if it has written it yet.
    private static func readHolder(_ descriptor: Int32) -> pid_t? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        return text.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }
}

/// The data folder's lock could not be taken.
public struct DataDirectoryLockError: Error, Sendable, CustomStringConvertible {
    /// Why, as an open set.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Another process holds the lock: a portal serving on the folder, or a command working on it.
        public static let inUse = Code(rawValue: "inUse")
        /// The folder or lock file cannot be created, opened or locked.
        public static let unusable = Code(rawValue: "unusable")
    }

    /// Why.
    public var code: Code
    /// The lock file's path.
    public var file: String
    /// The holder's PID as it wrote it in the file; `nil` if unknown (not written yet, or `.unusable`).
    public var holder: pid_t?
    /// What failed, for `.unusable`.
    public var context: String?

    /// Creates an error.
    public init(code: Code, file: String, holder: pid_t? = nil, context: String? = nil) {
        self.code = code
        self.file = file
        self.holder = holder
        self.context = context
    }

    public var description: String {
        var parts = ["DataDirectoryLockError(\(code.rawValue)", "file: \(file)"]
        if let holder { parts.append("holder: \(holder)") }
        if let context { parts.append("context: \(context)") }
        return parts.joined(separator: ", ") + ")"
    }
}
