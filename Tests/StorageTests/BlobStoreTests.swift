import Foundation
import Hashing
import Storage
import TestSupport
import Testing

/// The filesystem blob store: content addressing, durability protocol, sweep and verify.
@Suite(.timeLimit(.minutes(3)))
struct BlobStoreTests {
    private func makeStore() throws -> (FileBlobStore, TemporaryDirectory) {
        let folder = try TemporaryDirectory.make(prefix: "portal-blobs-")
        return (try FileBlobStore(root: folder.appending("blobs")), folder)
    }

    private func contents(of file: BlobFile) throws -> [UInt8] {
        let handle = FileHandle(fileDescriptor: file.descriptor, closeOnDealloc: false)
        try handle.seek(toOffset: UInt64(file.offset))
        return Array(try handle.read(upToCount: Int(file.length)) ?? Data())
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
        let file = try #require(try store.open(stored.address))
        #expect(file.length == stored.size)
        #expect(try contents(of: file) == Array(chunks.joined()))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
    }

    @Test func identicalContentIsStoredOnceAndDeleteRemovesIt() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let first = try store.store(Array("same bytes".utf8))
        let second = try store.store(Array("same bytes".utf8))
        #expect(first == second)
        #expect(store.verify().checkedCount == 1)
        #expect(try store.delete(first.address))
        #expect(try store.delete(first.address) == false)
        #expect(try store.open(first.address) == nil)
        #expect(!store.contains(first.address))
    }

    @Test func abortedWriteLeavesNothing() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let writer = try store.makeWriter()
        try writer.write(Array("partial".utf8))
        writer.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
        #expect(store.verify().checkedCount == 0)
    }

    @Test func sweepSparesTemporariesOfLiveWriters() throws {
        let (store, folder) = try makeStore()
        defer { folder.remove() }
        let writer = try store.makeWriter()
        try writer.write(Array("in progress".utf8))
        #expect(try store.sweepOrphanTemporaries() == 0)
        let stored = try writer.commit()
        #expect(try contents(of: try #require(try store.open(stored.address))) == Array("in progress".utf8))
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
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp")
        #expect(temporaries.count == 1)
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
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
