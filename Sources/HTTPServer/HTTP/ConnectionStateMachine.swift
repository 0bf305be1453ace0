/// The life of one HTTP/1.1 connection as a pure state machine (in the style of postgres-nio's
/// `ConnectionStateMachine`): the connection reports events, the machine answers with the action to take.
///
/// One exchange at a time: pipelined requests wait in the input buffer until the previous response is
/// complete, which keeps responses in request order (RFC 9112 §9.3.2).
struct ConnectionStateMachine: Sendable {
    enum State: Sendable, Equatable {
        /// Waiting for the first byte of a head; `served` exchanges done on this connection so far.
        case idle(served: Int)
        /// Part of a head has arrived.
        case readingHead(served: Int)
        /// A request is being handled.
        case exchange(Exchange)
        /// The response is out and the connection is closing: our side is shut, input is discarded until
        /// the peer closes or the linger deadline passes (so unread input does not reset the response).
        case draining
        case closed
    }

    /// One request/response pair.
    struct Exchange: Sendable, Equatable {
        enum Body: Sendable, Equatable { case expected, complete, failed }
        enum Continue: Sendable, Equatable { case notExpected, pending, sent }

        var served: Int
        var isKeepAlive: Bool
        var body: Body
        var `continue`: Continue
        var isResponseStarted = false
        var isPeerClosed = false
    }

    /// What the connection must do.
    enum Action: Sendable, Equatable {
        case none
        /// Hand the head to the request task.
        case deliverHead
        /// Send `100 Continue` before reading the body.
        case sendContinue
        /// Make the handler's next body read throw this problem.
        case failBody(Problem)
        /// Answer with this problem, then close.
        case respondAndClose(Problem)
        /// Parse the next pipelined request.
        case readNextRequest
        /// Flush, shut our side, discard input, then close.
        case closeAfterFlush
        /// Close at once (the peer is gone or stalled).
        case closeNow
    }

    private(set) var state: State = .idle(served: 0)
    private(set) var isShuttingDown = false

    /// Bytes of a new head arrived.
    mutating func receivedHeadBytes() {
        if case .idle(let served) = state { state = .readingHead(served: served) }
    }

    /// A complete head was parsed.
    mutating func receivedHead(_ head: RequestHead) -> Action {
        let served: Int
        switch state {
        case .idle(let count), .readingHead(let count): served = count
        default: return .closeNow
        }
        let hasBody = head.framing != .none && head.framing != .length(0)
        state = .exchange(
            Exchange(
                served: served, isKeepAlive: head.isKeepAlive, body: hasBody ? .expected : .complete,
                continue: hasBody && head.expectsContinue ? .pending : .notExpected))
        return .deliverHead
    }

    /// The request content ended.
    mutating func receivedBodyEnd() {
        guard case .exchange(var exchange) = state else { return }
        if exchange.body == .expected { exchange.body = .complete }
        state = .exchange(exchange)
    }

    /// The handler asked for body bytes: this is when `100 Continue` goes out (RFC 9110 §10.1.1).
    mutating func handlerReadsBody() -> Action {
        guard case .exchange(var exchange) = state, exchange.continue == .pending, !exchange.isResponseStarted
        else { return .none }
        exchange.continue = .sent
        state = .exchange(exchange)
        return .sendContinue
    }

    /// The parser refused the input.
    mutating func parseFailed(_ problem: Problem) -> Action {
        switch state {
        case .idle, .readingHead:
            state = .draining
            return .respondAndClose(problem)
        case .exchange(var exchange):
            exchange.body = .failed
            exchange.isKeepAlive = false
            state = .exchange(exchange)
            return .failBody(problem)
        case .draining, .closed:
            return .none
        }
    }

    /// The response head is about to be written; true when the connection will close after it
    /// (so the head must carry `Connection: close`).
    /// - Parameter mustClose: the response itself asks to close (a 413 refusing content we did not read,
    ///   RFC 9110 §15.5.14, or a handler's `Connection: close`).
    mutating func responseStarted(mustClose: Bool = false) -> Bool {
        guard case .exchange(var exchange) = state else { return true }
        exchange.isResponseStarted = true
        if mustClose { exchange.isKeepAlive = false }
        state = .exchange(exchange)
        return !willKeepAlive(exchange)
    }

    private func willKeepAlive(_ exchange: Exchange) -> Bool {
        // A failed body, or a 100-continue we never accepted, leaves unknown bytes on the wire: the client
        // may send the content anyway (RFC 9110 §10.1.1), so it must not be read as the next request.
        exchange.isKeepAlive && !isShuttingDown && !exchange.isPeerClosed && exchange.body != .failed
            && exchange.continue != .pending
    }

    /// The response is delimited by closing the connection (HTTP/1.0 without a known length).
    mutating func requireClose() {
        guard case .exchange(var exchange) = state else { return }
        exchange.isKeepAlive = false
        state = .exchange(exchange)
    }

    /// The whole response was handed to the socket.
    mutating func responseFinished() -> Action {
        guard case .exchange(let exchange) = state else { return .none }
        if willKeepAlive(exchange) && exchange.body == .complete {
            state = .idle(served: exchange.served + 1)
            return .readNextRequest
        }
        state = .draining
        return .closeAfterFlush
    }

    /// The peer closed its sending side.
    mutating func peerClosed() -> Action {
        switch state {
        case .idle, .readingHead, .draining:
            state = .closed
            return .closeNow
        case .exchange(var exchange):
            exchange.isPeerClosed = true
            let wasExpecting = exchange.body == .expected
            if wasExpecting { exchange.body = .failed }
            state = .exchange(exchange)
            return wasExpecting
                ? .failBody(Problem(status: .badRequest, detail: "The connection closed before the content ended."))
                : .none
        case .closed:
            return .none
        }
    }

    /// A read deadline passed: head or body too slow, idle too long, or linger over.
    mutating func readTimedOut() -> Action {
        switch state {
        case .idle, .draining:
            state = .closed
            return .closeNow
        case .readingHead:
            state = .draining
            return .respondAndClose(Problem(status: .requestTimeout, detail: "The request head arrived too slowly."))
        case .exchange(var exchange):
            guard exchange.body == .expected else { return .none }
            exchange.body = .failed
            exchange.isKeepAlive = false
            state = .exchange(exchange)
            return .failBody(Problem(status: .requestTimeout, detail: "The request content stalled."))
        case .closed:
            return .none
        }
    }

    /// Graceful shutdown began: idle connections close now, busy ones after their response.
    mutating func shutdownRequested() -> Action {
        isShuttingDown = true
        switch state {
        case .idle:
            state = .closed
            return .closeNow
        default:
            return .none
        }
    }

    /// The socket is gone.
    mutating func closed() { state = .closed }

    /// True while a request is in progress and its body is still arriving.
    var isExpectingBody: Bool {
        if case .exchange(let exchange) = state { return exchange.body == .expected }
        return false
    }

    /// True while the client owes us body bytes (not while it waits for our `100 Continue` decision).
    var isClientSendingBody: Bool {
        if case .exchange(let exchange) = state { return exchange.body == .expected && exchange.continue != .pending }
        return false
    }

    /// True while waiting for (or reading) a head.
    var isAwaitingHead: Bool {
        switch state {
        case .idle, .readingHead: true
        default: false
        }
    }
}
