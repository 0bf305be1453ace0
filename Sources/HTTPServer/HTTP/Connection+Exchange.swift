import EventLoops
/// The request task's side of a connection: it waits for heads, hands requests to the responder, pulls
/// body chunks and writes responses. Runs on the connection's loop (its task executor).
extension Connection: BodySource, BodySink {
    /// Serves requests until the connection closes or stops keeping alive.
    func serve() async {
        while let head = await nextHead() {
            let body: RequestBody =
                switch head.framing {
                case .none, .length(0): .empty
                case .length(let length): RequestBody(source: .stream(self), declaredLength: length)
                case .chunked: RequestBody(source: .stream(self), declaredLength: nil)
                }
            let response = await server.respond(to: Request(head: head, body: body))
            do {
                try await write(response, for: head)
            } catch {
                closeNow()
                return
            }
        }
    }

    private func nextHead() async -> RequestHead? {
        guard loop.inLoop else { return await withTaskExecutorPreference(loop) { await nextHead() } }
        if let head = pendingHead {
            pendingHead = nil
            return head
        }
        guard !isClosed, machine.isAwaitingHead else { return nil }
        return await withUnsafeContinuation { headWaiter = $0 }
    }

    func nextBodyChunk() async throws -> [UInt8]? {
        // Connection state belongs to the loop thread; a caller elsewhere hops there first.
        guard loop.inLoop else { return try await withTaskExecutorPreference(loop) { try await nextBodyChunk() } }
        var askedForMore = false
        while true {
            if bodyChunkIndex < bodyChunks.count {
                let chunk = bodyChunks[bodyChunkIndex]
                bodyChunks[bodyChunkIndex] = []
                bodyChunkIndex += 1
                bodyQueued -= chunk.count
                if bodyChunkIndex == bodyChunks.count {
                    bodyChunks.removeAll(keepingCapacity: true)
                    bodyChunkIndex = 0
                }
                if bodyQueued < server.configuration.bodyHighWater / 2 {
                    processInput()
                    updateInterest()
                }
                return chunk
            }
            if let bodyError { throw bodyError }
            if isBodyEnded { return nil }
            if isClosed { throw ConnectionClosedError() }
            if askedForMore { break }
            askedForMore = true
            perform(machine.handlerReadsBody())
            processInput()
            updateInterest()
        }
        return try await withUnsafeThrowingContinuation { bodyWaiter = $0 }
    }

    func writeBodyChunk(_ bytes: [UInt8]) async throws {
        guard loop.inLoop else { return try await withTaskExecutorPreference(loop) { try await writeBodyChunk(bytes) } }
        guard !isClosed else { throw ConnectionClosedError() }
        if deferredHead != nil {
            // The request failed before a byte of the answer left: refuse the write, so the exchange ends
            // with the request's problem rather than a response cut short (RFC 9112 §7.1: a malformed
            // chunked body gets 400).
            if let bodyError { throw bodyError }
            appendDeferredHead()
        }
        switch responseFraming {
        case .chunked:
            output.append(contentsOf: String(bytes.count, radix: 16).utf8)
            output.append(contentsOf: Connection.crlf)
            send(bytes)
            output.append(contentsOf: Connection.crlf)
        case .length(let remaining):
            guard Int64(bytes.count) <= remaining else {
                closeNow()
                throw ResponseLengthError()
            }
            responseFraming = .length(remaining: remaining - Int64(bytes.count))
            send(bytes)
        case .untilClose:
            send(bytes)
        case .none:
            throw ResponseLengthError()
        }
        try await waitForOutput(below: server.configuration.bodyHighWater)
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]
    static let lastChunk = Array("0\r\n\r\n".utf8)

    /// Writes a complete response and moves the exchange on.
    func write(_ response: Response, for head: RequestHead) async throws {
        guard loop.inLoop else {
            return try await withTaskExecutorPreference(loop) { try await write(response, for: head) }
        }
        let mustClose =
            response.status == .contentTooLarge
            || response.headers["Connection"].map { $0.lowercased().contains("close") } == true
        var isClosing = machine.responseStarted(mustClose: mustClose)
        let omitsBody = head.method == .head || response.status.forbidsContent
        switch response.body.storage {
        case .bytes(let bytes):
            appendHead(
                for: response, version: head.version, isClosing: isClosing,
                framing: response.status.forbidsContent ? .noContent : .contentLength(Int64(bytes.count)))
            if omitsBody || bytes.isEmpty {
                flush()
            } else if bytes.count <= 16 * 1024 {
                output.append(contentsOf: bytes)
                flush()
            } else {
                send(bytes)
            }
        case .stream(let length, let producer):
            let framing: HeadFraming
            if response.status.forbidsContent {
                framing = .noContent
            } else if let length {
                framing = .contentLength(length)
                responseFraming = .length(remaining: length)
            } else if head.version == .http1_1 {
                framing = .chunked
                responseFraming = .chunked
            } else {
                isClosing = true
                machine.requireClose()
                framing = .untilClose
                responseFraming = .untilClose
            }
            if omitsBody {
                appendHead(for: response, version: head.version, isClosing: isClosing, framing: framing)
                flush()
            } else {
                defer {
                    responseFraming = .none
                    deferredHead = nil
                }
                deferredHead = DeferredHead(response: response, version: head.version, isClosing: isClosing, framing: framing)
                var failure: (any Error)?
                do {
                    try await producer(ResponseBodyWriter(sink: self))
                    if case .length(let remaining) = responseFraming, remaining != 0 { failure = ResponseLengthError() }
                } catch {
                    failure = error
                }
                if let failure {
                    // Before the head left, the exchange can still end with a problem; after, only by closing.
                    guard deferredHead != nil, !isClosed else {
                        closeNow()
                        throw failure
                    }
                    deferredHead = nil
                    machine.requireClose()
                    let requestID = response.headers["X-Request-ID"] ?? RequestIDMiddleware.make()
                    let problem =
                        (failure as? any HTTPResponseError)?.problem ?? ErrorMiddleware.internalError(requestID: requestID)
                    appendClosingProblem(problem, requestID: requestID)
                } else {
                    if deferredHead != nil { appendDeferredHead() }
                    if responseFraming == .chunked { output.append(contentsOf: Connection.lastChunk) }
                }
                flush()
            }
        case .file(let region):
            appendHead(
                for: response, version: head.version, isClosing: isClosing, framing: .contentLength(region.length))
            if omitsBody { flush() } else { try await sendFile(region) }
        }
        try await waitForOutput(below: server.configuration.bodyHighWater)
        perform(machine.responseFinished())
    }

    private func sendFile(_ region: FileRegion) async throws {
        var offset = region.offset
        var remaining = region.length
        if tls == nil {
            if !flush() { try await waitForOutput(below: 0) }
            while remaining > 0 {
                guard !isClosed else { throw ConnectionClosedError() }
                switch socket.sendFile(region.descriptor, offset: &offset, count: Int(min(remaining, 1 << 30))) {
                case .bytes(let count) where count > 0:
                    remaining -= Int64(count)
                    writeDeadline = MonotonicTime.now() + server.writeTimeout
                case .wouldBlock:
                    try await waitUntilWritable()
                default:
                    closeNow()
                    throw ConnectionClosedError()
                }
            }
            writeDeadline = 0
            return
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while remaining > 0 {
            let count = buffer.withUnsafeMutableBytes { bytes in
                region.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<Int(min(Int64(bytes.count), remaining))]), at: offset)
            }
            guard count > 0 else {
                closeNow()
                throw ConnectionClosedError()
            }
            output.append(contentsOf: buffer[0..<count])
            flush()
            offset += Int64(count)
            remaining -= Int64(count)
            try await waitForOutput(below: server.configuration.bodyHighWater)
        }
    }
}

/// The head of a streamed response, waiting for the first content byte.
struct DeferredHead {
    var response: Response
    var version: HTTPVersion
    var isClosing: Bool
    var framing: HeadFraming
}

extension Connection {
    /// Appends the held-back head of a streamed response; from here on a failure can only cut it short.
    func appendDeferredHead() {
        guard let head = deferredHead else { return }
        deferredHead = nil
        appendHead(for: head.response, version: head.version, isClosing: head.isClosing, framing: head.framing)
    }
}

/// A streamed body did not match its declared length; the connection was closed.
struct ResponseLengthError: Error, CustomStringConvertible {
    var description: String { "The response body did not match its declared framing." }
}
