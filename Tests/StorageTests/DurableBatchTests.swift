import Foundation
import Storage
import TestSupport
import Testing

/// Durable batches: files visible only after commit, abort and failures leave nothing, orphans swept.
@Suite(.timeLimit(.minutes(2)))
struct DurableBatchTests {
    private static func write(_ text: String, in batch: DurableBatch) throws -> DurableBatch.File {
        let file = try batch.makeFile()
        try Array(text.utf8).withUnsafeBytes { try file.write($0) }
        return file
    }

    private static func text(at path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    @Test(arguments: [DurableBatch.Configuration(), .syncingTheFilesystem])
    func filesAppearOnlyAfterCommitInFoldersMadeOnDemand(configuration: DurableBatch.Configuration) throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-batch-")
        defer { folder.remove() }
        let targets = ["a.dcm", "series/b.dcm", "series/deeper/c.dcm", "other/d.dcm", "series/e.dcm"]
        var stagingPath = ""
        do {
            let batch = try DurableBatch(stagingIn: folder.path, configuration: configuration)
            for target in targets {
                try batch.stage(try Self.write("content of \(target)", in: batch), at: folder.path + "/" + target)
            }
            #expect(batch.stagedCount == targets.count)
            #expect(targets.allSatisfy { !Self.exists(folder.path + "/" + $0) })
            stagingPath = try #require(
                try FileManager.default.contentsOfDirectory(atPath: folder.path)
                    .first { $0.hasPrefix(DurableBatch.stagingPrefix) })
            #expect(try batch.commit() == targets.count)
            for target in targets { #expect(Self.text(at: folder.path + "/" + target) == "content of \(target)") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/" + stagingPath).isEmpty)

            // A committed batch takes more files, in folders it already made or new ones.
            try batch.stage(try Self.write("second", in: batch), at: folder.path + "/series/f.dcm")
            try batch.stage(try Self.write("third", in: batch), at: folder.path + "/new/g.dcm")
            #expect(try batch.commit() == 2)
            #expect(Self.text(at: folder.path + "/series/f.dcm") == "second")
            #expect(Self.text(at: folder.path + "/new/g.dcm") == "third")
        }
        #expect(!Self.exists(folder.path + "/" + stagingPath))
    }

    @Test func commitReplacesAnExistingFileWhole() throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-batch-")
        defer { folder.remove() }
        let target = folder.path + "/same.dcm"
        try Data("old content, longer than the new".utf8).write(to: URL(fileURLWithPath: target))
        let batch = try DurableBatch(stagingIn: folder.path)
        try batch.stage(try Self.write("new", in: batch), at: target)
        #expect(Self.text(at: target) == "old content, longer than the new")
        try batch.commit()
        #expect(Self.text(at: target) == "new")
    }

    @Test func abortAndDiscardLeaveNothing() throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-batch-")
        defer { folder.remove() }
        do {
            let batch = try DurableBatch(stagingIn: folder.path, configuration: .syncingTheFilesystem)
            for name in ["a", "b", "c"] {
                try batch.stage(try Self.write(name, in: batch), at: folder.path + "/out/" + name)
            }
            let refused = try Self.write("half a file", in: batch)
            batch.discard(refused)
            #expect(throws: BlobStoreError.self) { try refused.write(UnsafeRawBufferPointer(start: nil, count: 0)) }
            batch.abort()
            #expect(try batch.commit() == 0)
            _ = try Self.write("made, never staged", in: batch)
        }
        // Nothing under a final name, no output folder, no staging folder, no temporary.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func failedCommitRemovesItsTemporariesAndShowsNothing() throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-batch-")
        defer { folder.remove() }
        // A file where the target folder should be: mkdir fails with ENOTDIR before any rename.
        try Data("in the way".utf8).write(to: folder.appending("blocked"))
        let batch = try DurableBatch(stagingIn: folder.path)
        try batch.stage(try Self.write("one", in: batch), at: folder.path + "/fine/one.dcm")
        try batch.stage(try Self.write("two", in: batch), at: folder.path + "/blocked/two.dcm")
        let error = #expect(throws: BlobStoreError.self) { try batch.commit() }
        #expect(error?.operation == "mkdir")
        #expect(!Self.exists(folder.path + "/fine/one.dcm"))
        let staging = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(DurableBatch.stagingPrefix) }
        #expect(staging.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/" + staging[0]).isEmpty)
    }

    @Test func sweepRemovesOrphanedStagingFoldersAndSparesLiveBatches() throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-batch-")
        defer { folder.remove() }
        let live = try DurableBatch(stagingIn: folder.path)
        let inProgress = try Self.write("in progress", in: live)
        // What a killed process leaves: a staging folder nobody holds, with temporaries in it.
        let orphan = folder.path + "/" + DurableBatch.stagingPrefix + "dead"
        try FileManager.default.createDirectory(atPath: orphan, withIntermediateDirectories: false)
        for name in ["0", "1"] { try Data(name.utf8).write(to: URL(fileURLWithPath: orphan + "/" + name)) }
        // Not ours to touch: another name.
        try FileManager.default.createDirectory(atPath: folder.path + "/series", withIntermediateDirectories: false)

        #expect(DurableBatch.sweepOrphans(in: folder.path) == 2)
        #expect(!Self.exists(orphan))
        #expect(Self.exists(folder.path + "/series"))
        try live.stage(inProgress, at: folder.path + "/series/kept.dcm")
        try live.commit()
        #expect(Self.text(at: folder.path + "/series/kept.dcm") == "in progress")
        #expect(DurableBatch.sweepOrphans(in: folder.path) == 0)
    }
}

extension DurableBatch.Configuration {
    /// Limits of 1: a batch of several files takes the `syncfs(2)` paths for data and folders.
    static var syncingTheFilesystem: DurableBatch.Configuration {
        var configuration = DurableBatch.Configuration()
        configuration.fileSyncLimit = 1
        configuration.folderSyncLimit = 1
        return configuration
    }
}
