import Glibc

/// The outcome of a non-blocking socket operation.
enum IOResult: Equatable {
    /// This many bytes moved.
    case bytes(Int)
    /// The kernel buffer is empty (read) or full (write): wait for readiness.
    case wouldBlock
    /// The peer closed its sending side (read returned 0).
    case endOfFile
    /// The socket failed (reset, broken pipe, …); close it.
    case failed(Int32)
}

/// A non-blocking stream socket: a file descriptor and the libc calls on it. Glibc stays behind this
/// file, `Socket+Listen.swift`, the EventLoops module and the TLS files.
struct Socket {
    /// The descriptor; owned by whoever created this value and closed with ``close()``.
    let descriptor: Int32

    /// Reads into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        let count = Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .endOfFile }
        return Socket.classify(errno)
    }

    /// Writes `buffer` without raising SIGPIPE.
    func write(_ buffer: UnsafeRawBufferPointer) -> IOResult {
        let count = Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .bytes(count) }
        return Socket.classify(errno)
    }

    /// Writes two buffers with one system call (head and first body chunk leave together).
    func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult {
        var vectors = [
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
        ]
        let count = vectors.withUnsafeMutableBufferPointer { vectors -> Int in
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = 2
            return Glibc.sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
        }
        if count >= 0 { return .bytes(count) }
        return Socket.classify(errno)
    }

    /// Sends up to `count` bytes of `file` from `offset` with sendfile(2), advancing `offset`.
    func sendFile(_ file: Int32, offset: inout Int64, count: Int) -> IOResult {
        var position = off_t(offset)
        let sent = Glibc.sendfile(descriptor, file, &position, count)
        if sent >= 0 {
            offset = Int64(position)
            return .bytes(sent)
        }
        return Socket.classify(errno)
    }

    /// Disables Nagle's algorithm so small responses are not held back for 40 ms (RFC 896 + delayed ACK).
    func setNoDelay() {
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Half-closes the sending side, so the peer sees the end of our response before we stop reading.
    func shutdownWrite() { _ = Glibc.shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes the descriptor.
    func close() { _ = Glibc.close(descriptor) }

    static func classify(_ error: Int32) -> IOResult {
        error == EAGAIN || error == EWOULDBLOCK || error == EINTR ? .wouldBlock : .failed(error)
    }

    /// Ignores SIGPIPE for the process: sendfile(2) and OpenSSL's socket writes cannot pass MSG_NOSIGNAL,
    /// and a peer that resets must close one connection, not kill the server.
    static func ignoreBrokenPipeSignal() { _ = signal(SIGPIPE, SIG_IGN) }
}
