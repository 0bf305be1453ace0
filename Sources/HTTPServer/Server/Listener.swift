import EventLoops
/// A listening socket as watched by one event loop. Every loop watches every listener with
/// EPOLLEXCLUSIVE, so one loop wakes per incoming connection and keeps it.
final class Listener: EventHandler {
    let socket: Socket
    let loop: EventLoop
    let server: HTTPServer

    init(socket: Socket, loop: EventLoop, server: HTTPServer) {
        self.socket = socket
        self.loop = loop
        self.server = server
    }

    func handle(events: UInt32) {
        let context = server.context
        for _ in 0..<64 {
            guard let client = socket.accept() else { return }
            guard context.admitConnection() else {
                reject(client)
                continue
            }
            let connection = Connection(socket: client, loop: loop, server: context, now: MonotonicTime.now())
            loop.register(client.descriptor, connection, events: Epoll.readable)
            if !server.deliver(connection) { connection.closeNow() }
        }
    }

    /// Over the connection cap: a best-effort 503 (plain TCP only), then close.
    private func reject(_ client: Socket) {
        if server.context.tls == nil {
            let requestID = RequestIDMiddleware.make()
            var problem = Problem(
                status: .serviceUnavailable, detail: "The server is at its connection limit.",
                extensions: ["requestId": requestID], headers: ["Retry-After": "1", "X-Request-ID": requestID])
            if let decorate = server.context.configuration.decorateConnectionProblem { problem = decorate(problem) }
            let response = problem.response
            if case .bytes(let body) = response.body.storage {
                var bytes: [UInt8] = []
                ResponseHead.append(
                    response, to: &bytes, version: .http1_1, isClosing: true,
                    framing: .contentLength(Int64(body.count)), date: loop.date)
                bytes.append(contentsOf: body)
                _ = bytes.withUnsafeBytes { client.write($0) }
            }
        }
        client.close()
    }

    func tick(now: UInt64) {}

    func beginShutdown() {
        loop.deregister(socket.descriptor)
        server.listenerReleased()
    }
}
