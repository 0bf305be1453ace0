/// Where a streamed body goes: the connection, which frames and sends it.
protocol BodySink: AnyObject, Sendable {
    /// Frames and sends one chunk, waiting while the client is behind.
    func writeBodyChunk(_ bytes: [UInt8]) async throws
}

/// Handed to a ``ResponseBody/stream(length:_:)`` producer to write the content.
public struct ResponseBodyWriter: Sendable {
    let sink: any BodySink

    /// Sends `bytes` (an empty chunk is skipped). Waits while the client reads slower than we write.
    /// - Throws: when the connection closed; stop producing then.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await sink.writeBodyChunk(bytes)
    }

    /// Sends `text` as UTF-8.
    public func write(_ text: String) async throws { try await write(Array(text.utf8)) }
}
