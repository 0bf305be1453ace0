import EventLoops
import Logging

/// How the current response body is framed on the wire.
enum ResponseFraming: Equatable {
    case none
    /// `Content-Length`: this many bytes are still owed.
    case length(remaining: Int64)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// HTTP/1.0 without a length: the body ends when the connection closes.
    case untilClose
}

/// The connection closed before the exchange could finish.
struct ConnectionClosedError: Error, CustomStringConvertible {
    var description: String { "The connection closed." }
}

extension Connection {
    var hasPendingOutput: Bool { outputStart < output.count }

    /// Performs what the state machine decided.
    func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none, .deliverHead:
            break
        case .sendContinue:
            output.append(contentsOf: Connection.continueLine)
            flush()
        case .failBody(let problem):
            bodyError = problem
            if let waiter = bodyWaiter {
                bodyWaiter = nil
                waiter.resume(throwing: problem)
            }
        case .respondAndClose(let problem):
            // No middleware runs for a request that never parsed: give it a request ID here.
            appendClosingProblem(problem, requestID: RequestIDMiddleware.make())
            beginClosing()
        case .readNextRequest:
            readDeadline = MonotonicTime.now() + server.idleTimeout
            processInput()
            updateInterest()
        case .closeAfterFlush:
            beginClosing()
        case .closeNow:
            closeNow()
        }
    }

    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends a problem the server sends on its own (no handler answered), then `Connection: close`: it
    /// carries `requestID` in its body and `X-Request-ID`, and reads like the application's problems
    /// (``HTTPServer/Configuration/decorateConnectionProblem``).
    func appendClosingProblem(_ problem: Problem, requestID: String) {
        var problem = problem
        problem.extensions["requestId"] = requestID
        problem.headers["X-Request-ID"] = requestID
        if let decorate = server.configuration.decorateConnectionProblem { problem = decorate(problem) }
        server.logger.debug(
            "refusing request", metadata: ["http.status": "\(problem.status.code)", "request.id": "\(requestID)"])
        let response = problem.response
        if case .bytes(let bytes) = response.body.storage {
            appendHead(for: response, version: .http1_1, isClosing: true, framing: .contentLength(Int64(bytes.count)))
            output.append(contentsOf: bytes)
        }
    }

    /// Flushes, then shuts our sending side and discards input until the peer closes or the linger
    /// deadline passes; closing at once could reset the connection before the client read our answer.
    func beginClosing() {
        wakeWaitersForClose()
        readDeadline = MonotonicTime.now() + server.lingerTimeout
        flush()
    }

    /// Closes the socket and fails whatever the request task waits for.
    func closeNow() {
        guard !isClosed else { return }
        loop.deregister(socket.descriptor)
        isClosed = true
        machine.closed()
        tls?.close()
        tls = nil
        socket.close()
        server.connectionClosed()
        wakeWaitersForClose()
        if let waiter = writeWaiter {
            writeWaiter = nil
            waiter.resume(throwing: ConnectionClosedError())
        }
    }

    private func wakeWaitersForClose() {
        if let waiter = headWaiter {
            headWaiter = nil
            waiter.resume(returning: nil)
        }
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            waiter.resume(throwing: bodyError ?? Problem(status: .badRequest, detail: "The connection closed."))
        }
    }

    func writable() {
        if hasPendingOutput {
            flush()
        } else if let waiter = writeWaiter {
            writeWaiter = nil
            waiter.resume()
            updateInterest()
        }
    }

    /// Writes pending output until done or the socket is full. Returns true when nothing is pending.
    @discardableResult
    func flush() -> Bool {
        while hasPendingOutput && !isClosed {
            let result = output.withUnsafeBytes { bytes in
                let pending = UnsafeRawBufferPointer(rebasing: bytes[outputStart...])
                return tls.map { $0.write(pending) } ?? socket.write(pending)
            }
            switch result {
            case .bytes(let count):
                outputStart += count
                writeDeadline = MonotonicTime.now() + server.writeTimeout
            case .wouldBlock:
                if writeDeadline == 0 { writeDeadline = MonotonicTime.now() + server.writeTimeout }
                updateInterest()
                return false
            case .endOfFile, .failed:
                closeNow()
                return false
            }
        }
        if isClosed { return false }
        outputDrained()
        return true
    }

    private func outputDrained() {
        if output.capacity > 4 * server.configuration.bodyHighWater {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputStart = 0
        writeDeadline = 0
        if case .draining = machine.state {
            tls?.notifyClose()
            socket.shutdownWrite()
            inputStart = 0
            inputEnd = 0
        }
        if let waiter = writeWaiter {
            writeWaiter = nil
            waiter.resume()
        }
        updateInterest()
    }

    /// Sends `bytes` after any pending output: with one `sendmsg` of both on plain TCP (so a response
    /// head and its first chunk leave together), otherwise appended and flushed.
    func send(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        guard tls == nil else {
            output.append(contentsOf: bytes)
            flush()
            return
        }
        let result = output.withUnsafeBytes { pending in
            bytes.withUnsafeBytes { body in
                hasPendingOutput
                    ? socket.write(UnsafeRawBufferPointer(rebasing: pending[outputStart...]), body)
                    : socket.write(body)
            }
        }
        switch result {
        case .bytes(var count):
            writeDeadline = MonotonicTime.now() + server.writeTimeout
            let pending = output.count - outputStart
            if count < pending {
                outputStart += count
                output.append(contentsOf: bytes)
                updateInterest()
                return
            }
            count -= pending
            outputStart = output.count
            if count < bytes.count {
                output.append(contentsOf: bytes[count...])
                updateInterest()
            } else {
                outputDrained()
            }
        case .wouldBlock:
            output.append(contentsOf: bytes)
            if writeDeadline == 0 { writeDeadline = MonotonicTime.now() + server.writeTimeout }
            updateInterest()
        case .endOfFile, .failed:
            closeNow()
        }
    }

    /// Waits until pending output is at most `limit` bytes.
    func waitForOutput(below limit: Int) async throws {
        while !isClosed && output.count - outputStart > limit {
            try await withUnsafeThrowingContinuation { continuation in
                writeWaiter = continuation
                updateInterest()
            }
        }
        if isClosed { throw ConnectionClosedError() }
    }

    /// Waits until the socket accepts more bytes (for sendfile).
    func waitUntilWritable() async throws {
        guard !isClosed else { throw ConnectionClosedError() }
        try await withUnsafeThrowingContinuation { continuation in
            writeWaiter = continuation
            updateInterest()
        }
    }
}
