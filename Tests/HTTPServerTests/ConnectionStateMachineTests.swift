@testable import HTTPServer
import Testing

/// The connection state machine without I/O: events in, actions out.
@Suite struct ConnectionStateMachineTests {
    static func head(_ framing: RequestHead.Framing, keepAlive: Bool = true, expect: Bool = false) -> RequestHead {
        RequestHead(
            method: .post, target: "/", headers: ["Host": "t"], framing: framing, isKeepAlive: keepAlive,
            expectsContinue: expect)
    }

    @Test func keepsAliveAfterACompleteExchange() {
        var machine = ConnectionStateMachine()
        machine.receivedHeadBytes()
        #expect(machine.receivedHead(Self.head(.length(3))) == .deliverHead)
        #expect(machine.isExpectingBody)
        machine.receivedBodyEnd()
        #expect(machine.responseStarted() == false)
        #expect(machine.responseFinished() == .readNextRequest)
        #expect(machine.state == .idle(served: 1))
    }

    @Test func sendsContinueOnlyOnFirstBodyRead() {
        var machine = ConnectionStateMachine()
        _ = machine.receivedHead(Self.head(.length(3), expect: true))
        #expect(machine.isClientSendingBody == false)
        #expect(machine.handlerReadsBody() == .sendContinue)
        #expect(machine.handlerReadsBody() == .none)
        #expect(machine.isClientSendingBody)
    }

    @Test func closesWhenContinueWasNeverSent() {
        var machine = ConnectionStateMachine()
        _ = machine.receivedHead(Self.head(.length(3), expect: true))
        #expect(machine.responseStarted() == true)
        #expect(machine.handlerReadsBody() == .none)
        #expect(machine.responseFinished() == .closeAfterFlush)
        #expect(machine.state == .draining)
    }

    @Test func parseErrorBeforeAHeadRespondsAndCloses() {
        var machine = ConnectionStateMachine()
        machine.receivedHeadBytes()
        let problem = ParseError(.obsoleteLineFolding).problem
        #expect(machine.parseFailed(problem) == .respondAndClose(problem))
        #expect(machine.state == .draining)
    }

    @Test func parseErrorInABodyFailsTheBodyAndCloses() {
        var machine = ConnectionStateMachine()
        _ = machine.receivedHead(Self.head(.chunked))
        let problem = ParseError(.invalidChunkSize).problem
        #expect(machine.parseFailed(problem) == .failBody(problem))
        #expect(machine.responseStarted() == true)
        #expect(machine.responseFinished() == .closeAfterFlush)
    }

    @Test func timeoutsDependOnTheState() {
        var idle = ConnectionStateMachine()
        #expect(idle.readTimedOut() == .closeNow)
        var reading = ConnectionStateMachine()
        reading.receivedHeadBytes()
        guard case .respondAndClose(let problem) = reading.readTimedOut() else {
            Issue.record("expected a 408")
            return
        }
        #expect(problem.status == .requestTimeout)
        var body = ConnectionStateMachine()
        _ = body.receivedHead(Self.head(.length(10)))
        guard case .failBody(let bodyProblem) = body.readTimedOut() else {
            Issue.record("expected the body to fail")
            return
        }
        #expect(bodyProblem.status == .requestTimeout)
    }

    @Test func shutdownClosesIdleAndLetsExchangesFinish() {
        var idle = ConnectionStateMachine()
        #expect(idle.shutdownRequested() == .closeNow)
        var busy = ConnectionStateMachine()
        _ = busy.receivedHead(Self.head(.none))
        #expect(busy.shutdownRequested() == .none)
        #expect(busy.responseStarted() == true)
        #expect(busy.responseFinished() == .closeAfterFlush)
    }

    @Test func peerClosingMidBodyFailsIt() {
        var machine = ConnectionStateMachine()
        _ = machine.receivedHead(Self.head(.length(10)))
        guard case .failBody = machine.peerClosed() else {
            Issue.record("expected the body to fail")
            return
        }
        #expect(machine.responseStarted() == true)
    }
}
