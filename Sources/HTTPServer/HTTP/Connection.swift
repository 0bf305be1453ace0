import EventLoops
import Logging

/// One accepted socket: reads and parses input, queues body chunks, writes responses, enforces deadlines.
///
/// The loop side (this file) reacts to epoll and timers; the request task drives the exchange from
/// `Connection+Exchange.swift`. Both run on `loop`'s thread (the task prefers the loop as its executor),
/// so the mutable state below is confined to that thread: that is what makes `@unchecked Sendable` sound.
final class Connection: EventHandler, @unchecked Sendable {
    let loop: EventLoop
    let socket: Socket
    let server: ServerContext
    var tls: TLSSession?
    var isHandshaking: Bool
    var machine = ConnectionStateMachine()
    var parser: RequestParser

    // Input: bytes read but not yet parsed live in input[inputStart..<inputEnd].
    let input: UnsafeMutableRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    var isPeerEOF = false

    // Output: bytes accepted for sending live in output[outputStart...].
    var output: [UInt8] = []
    var outputStart = 0

    // The current exchange.
    var pendingHead: RequestHead?
    var bodyChunks: [[UInt8]] = []
    var bodyChunkIndex = 0
    var bodyQueued = 0
    var isBodyEnded = false
    var bodyError: Problem?
    var responseFraming = ResponseFraming.none
    /// The head of a streamed response, held back until its first content byte (or its end), so that a
    /// request body failing before then can still be answered with a problem instead.
    var deferredHead: DeferredHead?

    // The request task waiting for something.
    var headWaiter: UnsafeContinuation<RequestHead?, Never>?
    var bodyWaiter: UnsafeContinuation<[UInt8]?, any Error>?
    var writeWaiter: UnsafeContinuation<Void, any Error>?

    var interest: UInt32 = Epoll.readable
    var readDeadline: UInt64
    var writeDeadline: UInt64 = 0
    var isClosed = false

    init(socket: Socket, loop: EventLoop, server: ServerContext, now: UInt64) {
        self.socket = socket
        self.loop = loop
        self.server = server
        parser = RequestParser(limits: server.configuration.parserLimits)
        input = .allocate(byteCount: server.configuration.readBufferSize, alignment: 16)
        readDeadline = now + server.headTimeout
        if let context = server.tls {
            tls = TLSSession(context: context, descriptor: socket.descriptor)
            isHandshaking = true
        } else {
            isHandshaking = false
        }
        socket.setNoDelay()
    }

    deinit { input.deallocate() }

    func handle(events: UInt32) {
        if isClosed { return }
        if events & (Epoll.hangup & ~Epoll.readable) != 0 && events & Epoll.readable == 0 {
            closeNow()
            return
        }
        if isHandshaking {
            continueHandshake()
            return
        }
        if events & Epoll.readable != 0 { readable() }
        if !isClosed && events & Epoll.writable != 0 { writable() }
    }

    func tick(now: UInt64) {
        if isClosed { return }
        let forceDeadline = server.forceCloseDeadline
        if forceDeadline != 0 && now >= forceDeadline {
            closeNow()
            return
        }
        if writeDeadline != 0 && now >= writeDeadline {
            server.logger.debug("write stalled; closing connection")
            closeNow()
            return
        }
        guard now >= readDeadline else { return }
        let applies =
            switch machine.state {
            case .idle, .readingHead, .draining: true
            case .exchange: machine.isClientSendingBody && bodyQueued < server.configuration.bodyHighWater
            case .closed: false
            }
        if applies { perform(machine.readTimedOut()) }
    }

    /// Graceful shutdown reached this connection.
    func beginShutdown() {
        if isClosed { return }
        perform(machine.shutdownRequested())
    }

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            isHandshaking = false
            setInterest(Epoll.readable)
            readable()
        case .wantRead: setInterest(Epoll.readable)
        case .wantWrite: setInterest(Epoll.writable)
        case .failed: closeNow()
        }
    }

    // MARK: Reading

    func readable() {
        if inputStart > 0 && (inputStart == inputEnd || input.count - inputEnd < input.count / 4) {
            compactInput()
        }
        if inputStart == inputEnd && readContentDirectly() {
            updateInterest()
            return
        }
        var reads = 0
        while !isClosed && inputEnd < input.count && reads < 4 {
            reads += 1
            let space = UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...])
            let result = tls.map { $0.read(into: space) } ?? socket.read(into: space)
            switch result {
            case .bytes(let count):
                receivedBytes(count)
                // Plain sockets: one read per wake-up is fair. TLS may hold decrypted bytes epoll cannot see.
                if tls == nil || tls!.pendingBytes == 0 { reads = .max }
            case .wouldBlock:
                reads = .max
            case .endOfFile:
                isPeerEOF = true
                perform(machine.peerClosed())
                reads = .max
            case .failed:
                closeNow()
                return
            }
        }
        updateInterest()
    }

    /// In the middle of a body with nothing buffered, reads straight into a new chunk (at most the bytes
    /// the body still owes), saving a copy per byte on large uploads. False when not applicable.
    private func readContentDirectly() -> Bool {
        guard case .exchange = machine.state, machine.isExpectingBody, bodyError == nil,
            bodyQueued < server.configuration.bodyHighWater,
            let remaining = parser.remainingContentBytes, remaining >= 4096
        else { return false }
        let size = Int(min(remaining, UInt64(input.count)))
        var result = IOResult.wouldBlock
        var chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            result = tls.map { $0.read(into: UnsafeMutableRawBufferPointer(buffer)) }
                ?? socket.read(into: UnsafeMutableRawBufferPointer(buffer))
            if case .bytes(let read) = result { count = read } else { count = 0 }
        }
        switch result {
        case .bytes(let count):
            readDeadline = MonotonicTime.now() + server.bodyTimeout
            let step = try? chunk.withUnsafeBufferPointer { bytes throws(ParseError) in try parser.parse(bytes) }
            // No more bytes than the body owes were read, so the parser takes all of them as content.
            guard step?.consumed == count else {
                closeNow()
                return true
            }
            if chunk.capacity > 2 * count { chunk = Array(chunk) }
            receivedBodyChunk(chunk)
            processInput()
        case .wouldBlock:
            break
        case .endOfFile:
            isPeerEOF = true
            perform(machine.peerClosed())
        case .failed:
            closeNow()
        }
        return true
    }

    private func receivedBytes(_ count: Int) {
        if case .draining = machine.state {
            inputStart = 0
            inputEnd = 0
            return
        }
        let now = MonotonicTime.now()
        if case .idle = machine.state {
            machine.receivedHeadBytes()
            readDeadline = now + server.headTimeout
        } else if machine.isExpectingBody {
            readDeadline = now + server.bodyTimeout
        }
        inputEnd += count
        processInput()
    }

    private func compactInput() {
        let count = inputEnd - inputStart
        if count > 0 { input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: count) }
        inputStart = 0
        inputEnd = count
    }

    /// Parses buffered input as far as the current state allows: a head when idle, body chunks while the
    /// handler keeps up, nothing while a response is pending (pipelined requests wait their turn).
    func processInput() {
        while !isClosed {
            if machine.isAwaitingHead {
                if pendingHead != nil { break }
            } else if case .exchange = machine.state {
                guard !isBodyEnded && bodyError == nil && bodyQueued < server.configuration.bodyHighWater else {
                    break
                }
            } else {
                inputStart = inputEnd
                break
            }
            let step: RequestParser.Step
            let available = UnsafeBufferPointer(
                start: (input.baseAddress! + inputStart).assumingMemoryBound(to: UInt8.self),
                count: inputEnd - inputStart)
            do {
                step = try parser.parse(available)
            } catch {
                perform(machine.parseFailed(error.problem))
                break
            }
            switch step.event {
            case .head(let head):
                inputStart += step.consumed
                startExchange(head)
            case .body(let range):
                let chunk = Array(available[range])
                inputStart += step.consumed
                receivedBodyChunk(chunk)
            case .end:
                inputStart += step.consumed
                isBodyEnded = true
                machine.receivedBodyEnd()
                if let waiter = bodyWaiter {
                    bodyWaiter = nil
                    waiter.resume(returning: nil)
                }
            case nil:
                inputStart += step.consumed
                if step.consumed == 0 { return }
            }
        }
    }

    private func startExchange(_ head: RequestHead) {
        guard machine.receivedHead(head) == .deliverHead else { return closeNow() }
        bodyChunks.removeAll(keepingCapacity: true)
        bodyChunkIndex = 0
        bodyQueued = 0
        isBodyEnded = false
        bodyError = nil
        readDeadline = MonotonicTime.now() + server.bodyTimeout
        if let waiter = headWaiter {
            headWaiter = nil
            waiter.resume(returning: head)
        } else {
            pendingHead = head
        }
    }

    func receivedBodyChunk(_ chunk: [UInt8]) {
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            waiter.resume(returning: chunk)
        } else {
            bodyChunks.append(chunk)
            bodyQueued += chunk.count
        }
    }

    /// Switches epoll interest to what the state wants: reading while there is room and a reason,
    /// writing while output is pending.
    func updateInterest() {
        guard !isClosed, !isHandshaking else { return }
        var wanted: UInt32 = 0
        let hasRoom = inputEnd < input.count || inputStart > 0
        if !isPeerEOF && hasRoom {
            switch machine.state {
            case .idle, .readingHead, .draining:
                wanted |= Epoll.readable
            case .exchange:
                if isBodyEnded || bodyError != nil || bodyQueued < server.configuration.bodyHighWater {
                    wanted |= Epoll.readable
                }
            case .closed:
                break
            }
        }
        if outputStart < output.count || writeWaiter != nil { wanted |= Epoll.writable }
        setInterest(wanted)
    }

    func setInterest(_ wanted: UInt32) {
        guard wanted != interest, !isClosed else { return }
        interest = wanted
        loop.epoll.modify(socket.descriptor, events: wanted)
    }
}
