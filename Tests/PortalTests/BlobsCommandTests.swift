import ArgumentParser
import Foundation
import Storage
import TestSupport
import Testing

@testable import Portal

/// `portal blobs verify` over a real store: intact blobs pass, a changed one fails the command.
@Suite struct BlobsCommandTests {
    @Test func verifyPassesAnIntactStoreAndFailsOnAChangedBlob() async throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-blobs-command-")
        defer { folder.remove() }
        let store = try FileBlobStore(root: folder.appending("blobs"))
        let batch = try store.makeBatch()
        for text in ["first instance", "second instance"] {
            let writer = try batch.makeWriter()
            try writer.write(Array(text.utf8))
            _ = try writer.commit()
        }
        let stored = try batch.commit()
        let verify = try BlobsCommand.Verify.parse(["--data-dir", folder.path])
        try await verify.run()

        try Data("changed".utf8).write(to: URL(fileURLWithPath: store.path(of: stored[1].address)))
        await #expect(throws: ExitCode(1)) { try await verify.run() }
    }
}
