/// A failure of the blob store: which operation and the `errno`, never the content.
public struct BlobStoreError: Error, Sendable, CustomStringConvertible {
    /// The operation that failed, e.g. `"fsync"`.
    public let operation: String
    /// The `errno` value, 0 when not from a system call.
    public let errorNumber: Int32

    /// Creates an error.
    public init(operation: String, errorNumber: Int32) {
        self.operation = operation
        self.errorNumber = errorNumber
    }

    public var description: String { "BlobStoreError(\(operation), errno \(errorNumber))" }
}
