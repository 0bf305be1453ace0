#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files written under temporary names and made durable and visible together: one sync for the whole
/// batch instead of one `fsync` per file.
///
/// The guarantee: a path given to `stage(_:at:)` shows a file only once that file's whole content is on
/// disk, and once `commit()` returns the name itself survives a power loss. A file refused mid-write
/// (`discard`), a batch aborted or released uncommitted, or a process killed at any moment leaves at
/// most temporaries in the batch's staging folder (`<parent>/.staging-<random>/`), never a partial file
/// under a final name. The batch holds an `flock(2)` on its staging folder for its whole life, so
/// `sweepOrphans(in:)` (run at start-up) removes the folders of dead processes and spares live batches.
///
/// `commit()`, in this order:
/// 1. data: `fsync(2)` of each file when the batch has at most `fileSyncLimit`, otherwise one `syncfs(2)`
///    of the filesystem (one journal commit and one device flush for all);
/// 2. the target folders that do not exist yet are created, each once in the batch's life;
/// 3. each temporary is renamed to its final path (`rename(2)`: atomic, replaces an existing file);
/// 4. the folders whose entries changed: `fsync(2)` of each when there are at most `folderSyncLimit`,
///    otherwise one `syncfs(2)`.
/// No rename happens before step 1 has returned. Final paths must be on the staging folder's filesystem.
/// `stage(_:at:)` already starts each file's write-back (sync_file_range(2)), so the disk works while the
/// caller prepares the next file and step 1 mostly waits for the last ones.
///
/// Used by one task at a time (not `Sendable`). A committed batch can take more files.
public final class DurableBatch {
    /// Choices of a batch.
    public struct Configuration: Sendable {
        /// Most files whose data are fsynced one by one; a larger batch syncs its filesystem once instead.
        /// Default 4: an `fsync` is a journal commit each, a `syncfs` also writes back other processes'
        /// dirty data on that filesystem, so small batches (a single blob) keep to their own files.
        public var fileSyncLimit = 4
        /// Most folders fsynced one by one after the renames; more take one `syncfs` instead. Default 16.
        public var folderSyncLimit = 16
        /// Permission bits of the files (before the umask). Default `0o640`.
        public var filePermissions: UInt32 = 0o640
        /// Permission bits of the folders the batch creates (before the umask). Default `0o750`.
        public var folderPermissions: UInt32 = 0o750

        /// The defaults.
        public init() {}
    }

    /// Names of staging folders start with this; `sweepOrphans(in:)` looks at nothing else.
    public static let stagingPrefix = ".staging-"

    /// A file being written: a temporary in the batch's staging folder until it is staged and committed.
    public final class File {
        let name: String
        fileprivate let batch: ObjectIdentifier
        fileprivate(set) var descriptor: Int32
        /// Bytes written so far.
        public private(set) var size: Int64 = 0

        fileprivate init(name: String, descriptor: Int32, batch: ObjectIdentifier) {
            self.name = name
            self.batch = batch
            self.descriptor = descriptor
        }

        deinit { if descriptor >= 0 { FileSystem.closeDescriptor(descriptor) } }

        /// Appends bytes.
        /// - Throws: `BlobStoreError` when the write fails (a full disk: `ENOSPC`) or the file was staged.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard descriptor >= 0 else { throw BlobStoreError(operation: "write after stage", errorNumber: 0) }
            try FileSystem.writeAll(descriptor, bytes)
            size += Int64(bytes.count)
        }

        /// Appends `count` bytes of the open file `source` from `offset`, copied by the kernel
        /// (`copy_file_range(2)`) without passing through this process.
        /// - Throws: `BlobStoreError` when the copy fails or `source` ends before `count` bytes.
        public func append(from source: Int32, at offset: Int64, count: Int) throws {
            guard descriptor >= 0 else { throw BlobStoreError(operation: "write after stage", errorNumber: 0) }
            try FileSystem.copy(from: source, at: offset, count: count, to: descriptor)
            size += Int64(count)
        }
    }

    /// A file staged for the next commit.
    private struct Entry {
        var name: String
        var path: String
        /// Open until commit while the batch is small enough for one fsync per file; -1 otherwise.
        var descriptor: Int32
    }

    private let configuration: Configuration
    /// The staging folder's path, and a descriptor holding its `flock`.
    private let stagingPath: String
    private let stagingDescriptor: Int32
    private var staged: [Entry] = []
    private var nextName = 0
    /// Folders known to exist: each target folder is created (or found) once in the batch's life.
    private var knownFolders: Set<String> = []

    /// A batch staging its files in a new folder under `parent` (which must exist).
    /// - Throws: `BlobStoreError` when the staging folder cannot be made.
    public init(stagingIn parent: String, configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        while true {
            let path = parent + "/" + Self.stagingPrefix + String(UInt64.random(in: .min ... .max), radix: 16)
            guard mkdir(path, 0o700) == 0 else {
                if errno == EEXIST { continue }
                throw FileSystem.fail("mkdir staging")
            }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT { continue }  // swept between mkdir and open
                throw FileSystem.fail("open staging")
            }
            guard flock(descriptor, LOCK_EX) == 0 else {
                let error = FileSystem.fail("flock")
                FileSystem.closeDescriptor(descriptor)
                throw error
            }
            // A sweep may have taken the folder between mkdir and flock; then start over with a new one.
            var onDisk = stat()
            var held = stat()
            if stat(path, &onDisk) == 0, fstat(descriptor, &held) == 0, onDisk.st_ino == held.st_ino,
                onDisk.st_dev == held.st_dev
            {
                stagingPath = path
                stagingDescriptor = descriptor
                return
            }
            FileSystem.closeDescriptor(descriptor)
        }
    }

    deinit {
        abort()
        // Files made but neither staged nor discarded, then the folder itself; closing releases the lock.
        for name in FileSystem.entries(of: stagingPath) { _ = unlinkat(stagingDescriptor, name, 0) }
        _ = rmdir(stagingPath)
        FileSystem.closeDescriptor(stagingDescriptor)
    }

    /// The number of files staged and not yet committed.
    public var stagedCount: Int { staged.count }

    /// Starts a new file under a temporary name.
    /// - Throws: `BlobStoreError` when it cannot be created.
    public func makeFile() throws -> File {
        let name = String(nextName)
        nextName += 1
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        let descriptor = openat(stagingDescriptor, name, flags, mode_t(configuration.filePermissions))
        guard descriptor >= 0 else { throw FileSystem.fail("create temporary") }
        return File(name: name, descriptor: descriptor, batch: ObjectIdentifier(self))
    }

    /// Ends `file` and has the next `commit()` make it durable and visible at `path` (replacing what is
    /// there). Until then nothing appears at `path`. Missing folders of `path` are created at commit.
    /// - Throws: `BlobStoreError` if the file was already staged or discarded.
    public func stage(_ file: File, at path: String) throws {
        precondition(file.batch == ObjectIdentifier(self), "a file is staged in the batch that made it")
        guard file.descriptor >= 0 else { throw BlobStoreError(operation: "stage twice", errorNumber: 0) }
        var descriptor = file.descriptor
        file.descriptor = -1
        // The disk writes this file while the caller prepares the next one; the commit's sync waits less.
        FileSystem.startWriteBack(descriptor)
        let limit = configuration.fileSyncLimit
        if staged.count >= limit {
            // Too many for one fsync each: the commit will sync the filesystem, and needs no descriptors.
            FileSystem.closeDescriptor(descriptor)
            descriptor = -1
            if staged.count == limit { closeStagedDescriptors() }
        }
        staged.append(Entry(name: file.name, path: path, descriptor: descriptor))
    }

    /// Throws a file away (a refused or failed write): its temporary is removed now.
    public func discard(_ file: File) {
        precondition(file.batch == ObjectIdentifier(self), "a file is discarded by the batch that made it")
        if file.descriptor >= 0 {
            FileSystem.closeDescriptor(file.descriptor)
            file.descriptor = -1
        }
        _ = unlinkat(stagingDescriptor, file.name, 0)
    }

    /// Throws away every file staged since the last commit.
    public func abort() {
        for entry in staged {
            if entry.descriptor >= 0 { FileSystem.closeDescriptor(entry.descriptor) }
            _ = unlinkat(stagingDescriptor, entry.name, 0)
        }
        staged.removeAll()
    }

    /// Makes every staged file durable, then visible under its path, then that name durable (see the
    /// type's notes for the steps). Returns how many files were committed.
    ///
    /// On failure the files not yet renamed are removed and nothing more is renamed; files already renamed
    /// are complete and in place, but their names may not survive a power loss.
    /// - Throws: `BlobStoreError` naming the step that failed (`fsync`, `syncfs`, `mkdir`, `rename`).
    @discardableResult
    public func commit() throws -> Int {
        let entries = staged
        staged.removeAll()
        guard !entries.isEmpty else { return 0 }
        var renamed = 0
        defer {
            for entry in entries[renamed...] { _ = unlinkat(stagingDescriptor, entry.name, 0) }
            for entry in entries where entry.descriptor >= 0 { FileSystem.closeDescriptor(entry.descriptor) }
        }
        if entries.count <= configuration.fileSyncLimit {
            for entry in entries { try FileSystem.sync(entry.descriptor) }
        } else {
            try FileSystem.syncFilesystem(stagingDescriptor)
        }
        var changedFolders: Set<String> = []
        for entry in entries {
            let folder = FileSystem.parent(of: entry.path)
            if !knownFolders.contains(folder) {
                try FileSystem.makeDirectories(folder, permissions: mode_t(configuration.folderPermissions)) {
                    changedFolders.insert($0)
                }
                knownFolders.insert(folder)
            }
            changedFolders.insert(folder)
        }
        for entry in entries {
            guard renameat(stagingDescriptor, entry.name, AT_FDCWD, entry.path) == 0 else {
                throw FileSystem.fail("rename")
            }
            renamed += 1
        }
        if changedFolders.count <= configuration.folderSyncLimit {
            for folder in changedFolders { try FileSystem.syncDirectory(folder) }
        } else {
            try FileSystem.syncFilesystem(stagingDescriptor)
        }
        return entries.count
    }

    private func closeStagedDescriptors() {
        for index in staged.indices where staged[index].descriptor >= 0 {
            FileSystem.closeDescriptor(staged[index].descriptor)
            staged[index].descriptor = -1
        }
    }
}
