import Foundation
import Hashing
import Storage
import TestSupport
import Testing

/// The filesystem blob store: content addressing, durability protocol, batches, ranged reads, sweep and
/// verify.
@Suite(.timeLimit(.minutes(3)))
struct BlobStoreTests {
    private func makeStore() throws -> (FileBlobStore, TemporaryDirectory) {
        let folder = try TemporaryDirectory.make(prefix: "portal-blobs-")
        return (try FileBlobStore(root: folder.appending("blobs")), folder)
    }

    private func contents(of reader: any BlobReader) async throws -> [UInt8] {
        try await reader.bytes(in: 0..<reader.size)
    }

    private func temporaries(of store: FileBlobStore) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp")
    }

    @Test func streamedBlobIsStoredUnderItsSHA256InFanOutFolders() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let chunks = (0..<40).map { index in [UInt8](repeating: UInt8(index), count: 64 * 1024) }
        let stream = AsyncStream<[UInt8]> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        let stored = try await store.store(stream)
        let expected = hexString(SHA256.hash(chunks.joined()))
        #expect(stored.address.hex == expected)
        #expect(stored.size == 40 * 64 * 1024)
        let path = store.path(of: stored.address)
        #expect(path.hasSuffix("/\(expected.prefix(2))/\(expected.dropFirst(2).prefix(2))/\(expected)"))
        let reader = try #require(try await store.open(stored.address))
        #expect(reader.size == stored.size)
        #expect(try await contents(of: reader) == Array(chunks.joined()))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try temporaries(of: store).isEmpty)
    }

    @Test func readerServesRangesAndChunksClampedToTheBlob() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let reader = try #require(try await store.open(try store.store(content).address))
        #expect(try await reader.bytes(in: 10..<20) == Array(content[10..<20]))
        #expect(try await reader.bytes(in: 99_990..<200_000) == Array(content[99_990...]))
        #expect(try await reader.bytes(in: 200_000..<300_000).isEmpty)
        var chunks: [[UInt8]] = []
        for try await chunk in reader.chunks(in: 5..<70_005, chunkSize: 32 * 1024) { chunks.append(chunk) }
        #expect(chunks.map(\.count) == [32 * 1024, 32 * 1024, 70_000 - 64 * 1024])
        #expect(Array(chunks.joined()) == Array(content[5..<70_005]))
        var whole: [UInt8] = []
        for try await chunk in reader.chunks() { whole += chunk }
        #expect(whole == content)
    }

    @Test func readerKeepsServingABlobDeletedWhileOpen() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let stored = try store.store(Array("still here".utf8))
        let reader = try #require(try await store.open(stored.address))
        #expect(try store.delete(stored.address))
        #expect(try await contents(of: reader) == Array("still here".utf8))
    }

    @Test(arguments: [DurableBatch.Configuration(), .syncingTheFilesystem])
    func batchBlobsAppearOnlyWhenTheBatchCommits(configuration: DurableBatch.Configuration) throws {
        var (store, folder) = try makeStore()
        defer { folder.remove() }
        store.batchConfiguration = configuration
        let batch = try store.makeBatch()
        var ended: [StoredBlob] = []
        for index in 0..<6 {
            let writer = try batch.makeWriter()
            try writer.write(Array("instance \(index)".utf8))
            ended.append(try writer.commit())
        }
        #expect(ended.allSatisfy { !store.contains($0.address) })
        #expect(store.verify().checkedCount == 0)
        let committed = try batch.commit()
        #expect(committed == ended)
        #expect(ended.allSatisfy { store.contains($0.address) })
        #expect(store.verify().checkedCount == 6)
        #expect(store.verify().isIntact)
    }

    @Test func abortedBatchStoresNothing() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let ended = try {
            let batch = try store.makeBatch()
            let writer = try batch.makeWriter()
            try writer.write(Array("never kept".utf8))
            let ended = try writer.commit()
            batch.abort()
            #expect(try batch.commit().isEmpty)
            return ended
        }()
        // Batch and writer released: their staging folder is gone too.
        #expect(!store.contains(ended.address))
        #expect(try temporaries(of: store).isEmpty)
    }

    @Test func identicalContentIsStoredOnceAndDeleteRemovesIt() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let first = try store.store(Array("same bytes".utf8))
        let second = try store.store(Array("same bytes".utf8))
        #expect(first == second)
        #expect(store.verify().checkedCount == 1)
        #expect(try store.delete(first.address))
        #expect(try store.delete(first.address) == false)
        #expect(try await store.open(first.address) == nil)
        #expect(!store.contains(first.address))
    }

    @Test func abortedWriteLeavesNothing() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let writer = try store.makeWriter()
        try writer.write(Array("partial".utf8))
        writer.abort()
        #expect(try temporaries(of: store).isEmpty)
        #expect(store.verify().checkedCount == 0)
    }

    @Test func sweepSparesTemporariesOfLiveWriters() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let writer = try store.makeWriter()
        try writer.write(Array("in progress".utf8))
        #expect(try store.sweepOrphanTemporaries() == 0)
        let stored = try writer.commit()
        #expect(try await contents(of: try #require(try await store.open(stored.address))) == Array("in progress".utf8))
    }

    @Test func verifyReportsBlobsWhoseContentChanged() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let intact = try store.store(Array("intact".utf8))
        let rotten = try store.store(Array("will rot".utf8))
        #expect(store.verify().isIntact)
        try Data("bit rot".utf8).write(to: URL(fileURLWithPath: store.path(of: rotten.address)))
        try Data("stray".utf8).write(to: store.root.appendingPathComponent(
            "\(intact.address.hex.prefix(2))/\(intact.address.hex.dropFirst(2).prefix(2))/notes.txt"))
        let report = store.verify()
        #expect(report.checkedCount == 2)
        #expect(report.mismatches == [rotten.address])
        #expect(report.unexpectedFiles.count == 1)
        #expect(!report.isIntact)
    }

    @Test func addressesOutsideHexAreRejected() {
        #expect(BlobAddress(hex: "../../etc/passwd") == nil)
        #expect(BlobAddress(hex: String(repeating: "A", count: 64)) == nil)
        #expect(BlobAddress(hex: String(repeating: "a", count: 63)) == nil)
        #expect(BlobAddress(hex: String(repeating: "0f", count: 32)) != nil)
    }

    /// A real separate process (this test binary, re-run on the helper test below) is killed with SIGKILL
    /// in the middle of a blob write. Proof that no partial blob becomes visible must come from the
    /// store's own code in another process, so neither an in-process simulation nor `dd` would do.
    @Test(.timeLimit(.minutes(2)))
    func processKilledMidWriteLeavesNoBlobAndTheSweepRemovesItsTemporary() async throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let ready = folder.appending("child-ready")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "writesUntilKilled"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childRootVariable] = store.root.path
        environment[Self.childReadyVariable] = ready.path
        child.environment = environment
        child.standardInput = Pipe()  // never written: the child blocks reading it, mid-write
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = ContinuousClock.now + .seconds(90)
        while !FileManager.default.fileExists(atPath: ready.path) {
            try #require(child.isRunning, "the writer process ended before writing")
            try #require(ContinuousClock.now < deadline, "the writer process never started writing")
            try await Task.sleep(for: .milliseconds(20))
        }
        // One staging folder, holding the one temporary.
        #expect(try temporaries(of: store).count == 1)
        // The live writer's temporary is locked, so a sweep now leaves it alone.
        #expect(try store.sweepOrphanTemporaries() == 0)

        kill(child.processIdentifier, SIGKILL)
        while child.isRunning {
            try #require(ContinuousClock.now < deadline, "the writer process did not die")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(child.terminationReason == .uncaughtSignal)
        // Nothing visible under any address; only the orphan temporary, which the sweep removes.
        let report = store.verify()
        #expect(report.checkedCount == 0)
        #expect(report.unexpectedFiles.isEmpty)
        let visible = try FileManager.default.contentsOfDirectory(atPath: store.root.path).filter { $0 != "tmp" }
        #expect(visible.isEmpty)
        #expect(try store.sweepOrphanTemporaries() == 1)
        #expect(try temporaries(of: store).isEmpty)
    }

    static let childRootVariable = "PORTAL_TEST_BLOB_CHILD_ROOT"
    static let childReadyVariable = "PORTAL_TEST_BLOB_CHILD_READY"

    /// The child side of the test above; skipped unless launched by it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childRootVariable] != nil))
    func writesUntilKilled() throws {
        let environment = ProcessInfo.processInfo.environment
        let store = try FileBlobStore(root: URL(fileURLWithPath: try #require(environment[Self.childRootVariable])))
        let writer = try store.makeWriter()
        try writer.write([UInt8](repeating: 0x5A, count: 256 * 1024))
        _ = FileManager.default.createFile(atPath: try #require(environment[Self.childReadyVariable]), contents: nil)
        // Block mid-write until the parent kills this process; reaching the end would be a failure.
        _ = FileHandle.standardInput.readDataToEndOfFile()
        writer.abort()
        Issue.record("the writer process was not killed")
    }
}
