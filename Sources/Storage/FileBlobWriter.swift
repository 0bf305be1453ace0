import Hashing

/// Writes one blob of a `FileBlobStore`: a file of a `DurableBatch`, its digest computed on the way, staged
/// under its content address when it ends.
///
/// A writer from `FileBlobStore.makeWriter()` has a batch of its own and commits it in `commit()` (one
/// fsync of the file, rename, fsync of the folder); one from a `FileBlobBatch` leaves that to the batch.
/// Used by one task at a time (not `Sendable`).
final class FileBlobWriter: BlobWriter {
    /// Whose commit makes the blob durable.
    enum Owner {
        /// The writer's own batch, made for this one blob.
        case alone
        case batch(FileBlobBatch)
    }

    private let store: FileBlobStore
    private let owner: Owner
    /// The batch and its file being written; nil once committed or aborted (a writer alone then releases
    /// its batch, which removes its staging folder).
    private var current: (batch: DurableBatch, file: DurableBatch.File)?
    private var hasher = SHA256()

    init(store: FileBlobStore, owner: Owner) throws {
        self.store = store
        self.owner = owner
        let batch =
            switch owner {
            case .alone: try DurableBatch(stagingIn: store.temporaryDirectory, configuration: store.batchConfiguration)
            case .batch(let blobs): blobs.files
            }
        current = (batch, try batch.makeFile())
    }

    deinit { abort() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let current else { throw BlobStoreError(operation: "write after commit", errorNumber: 0) }
        try current.file.write(bytes)
        hasher.update(bytes)
    }

    func commit() throws -> StoredBlob {
        guard let (batch, file) = current else { throw BlobStoreError(operation: "commit twice", errorNumber: 0) }
        current = nil
        var finished = SHA256()
        swap(&finished, &hasher)
        let stored = StoredBlob(address: BlobAddress(digest: finished.finalize()), size: file.size)
        // Same content, same name: replacing an existing copy is harmless and keeps this atomic.
        try batch.stage(file, at: store.path(of: stored.address))
        switch owner {
        case .alone: try batch.commit()
        case .batch(let blobs): blobs.ended(stored)
        }
        return stored
    }

    func abort() {
        guard let (batch, file) = current else { return }
        current = nil
        batch.discard(file)
    }
}
