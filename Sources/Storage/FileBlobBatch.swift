/// Blobs of a `FileBlobStore` made durable together: their files share one `DurableBatch`, so a batch of
/// hundreds of instances costs one `syncfs(2)` for the data and one for the names instead of two fsyncs
/// per blob.
///
/// Used by one task at a time (not `Sendable`).
final class FileBlobBatch: BlobBatch {
    private let store: FileBlobStore
    /// The files of the batch's blobs.
    let files: DurableBatch
    /// Blobs whose writer committed, in that order, not yet durable.
    private var pending: [StoredBlob] = []

    init(store: FileBlobStore) throws {
        self.store = store
        files = try DurableBatch(stagingIn: store.temporaryDirectory, configuration: store.batchConfiguration)
    }

    func makeWriter() throws -> any BlobWriter {
        try FileBlobWriter(store: store, owner: .batch(self))
    }

    /// Called by a writer of this batch whose blob ended.
    func ended(_ blob: StoredBlob) {
        pending.append(blob)
    }

    func commit() throws -> [StoredBlob] {
        let blobs = pending
        pending.removeAll()
        try files.commit()
        return blobs
    }

    func abort() {
        pending.removeAll()
        files.abort()
    }
}
