import Glibc

/// A deliberately dumb HTTP/1.1 client on a blocking socket, for driving the server with exact bytes
/// (malformed heads, pipelining, half-written bodies) and reading exactly what comes back.
/// Every read has a timeout so a broken server fails a test instead of hanging it.
public final class RawHTTPClient {
    /// A failure of the client itself (connect, timeout, unexpected close).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// Makes a failure with a message.
        public init(description: String) { self.description = description }
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (IPv4 or IPv6 literal).
    /// - Parameter timeout: limit for each blocking read or write.
    public init(host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(30)) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var interval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            close(fd)
            throw Failure(description: "connect to \(host):\(port) failed (errno \(errno))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Sends text exactly as given (write `\r\n` yourself).
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends bytes exactly as given.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send failed (errno \(errno))") }
            offset += count
        }
    }

    /// Sends `count` filler bytes in large writes until done or a write times out (the server stopped
    /// reading); returns how many bytes the kernel accepted.
    public func sendFiller(count: Int, byte: UInt8 = 0x78) -> Int {
        let block = [UInt8](repeating: byte, count: 1024 * 1024)
        var sent = 0
        while sent < count {
            let size = min(block.count, count - sent)
            let written = block.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, size, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return sent }
            sent += written
        }
        return sent
    }

    /// Sends bytes and reports false instead of throwing when the server has closed or reset.
    public func trySend(_ bytes: [UInt8]) -> Bool { (try? send(bytes)) != nil }

    /// Closes our sending side (the server sees end of input).
    public func shutdownWrite() { _ = shutdown(descriptor, Int32(SHUT_WR)) }

    /// Whether bytes from the server wait to be read (nothing is read).
    public var hasUnreadBytes: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLIN) != 0
    }

    /// Reads once into the buffer; returns false at end of stream.
    @discardableResult
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        throw Failure(description: errno == EAGAIN ? "read timed out" : "read failed (errno \(errno))")
    }

    /// Reads one response. `isHeadRequest` says the request was HEAD (no body whatever the fields say).
    public func readResponse(isHeadRequest: Bool = false) throws -> RawHTTPResponse {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var response = try RawHTTPResponse(head: headText)
        if response.status == 100 || isHeadRequest || response.status == 204 || response.status == 304 {
            return response
        }
        if let length = response.headers["content-length"].flatMap(Int.init) {
            while buffer.count < length { guard try fill() else { throw Failure(description: "closed mid-body") } }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else if response.headers["transfer-encoding"]?.lowercased() == "chunked" {
            response.body = try readChunkedBody()
        } else {
            while try fill() {}
            response.body = buffer
            buffer.removeAll()
        }
        return response
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= marker.count {
                for start in searchFrom...(buffer.count - marker.count)
                where buffer[start..<(start + marker.count)].elementsEqual(marker) {
                    return start
                }
                searchFrom = buffer.count - marker.count + 1
            }
            guard try fill() else { throw Failure(description: "connection closed before a complete response") }
        }
    }

    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil([0x0D, 0x0A])
            let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.trimmingCharacters(), radix: 16) else {
                throw Failure(description: "bad chunk size")
            }
            if size == 0 {
                let end = try readUntil([0x0D, 0x0A])
                buffer.removeFirst(end + 2)
                return body
            }
            while buffer.count < size + 2 { guard try fill() else { throw Failure(description: "closed mid-chunk") } }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
        }
    }

    /// Reads until the bytes received so far contain `text`; returns them all as text and forgets them
    /// (for a response that stays open, such as a streamed body still being written).
    public func readUntilContains(_ text: String) throws -> String {
        let end = try readUntil(Array(text.utf8)) + text.utf8.count
        defer { buffer.removeFirst(end) }
        return String(decoding: buffer[0..<end], as: UTF8.self)
    }

    /// True when the server closes the connection (end of stream or reset) before anything else arrives.
    public func readsEndOfStream() throws -> Bool {
        if !buffer.isEmpty { return false }
        return try !fill()
    }

    /// Reads everything until the server closes.
    public func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// Reads and discards up to `limit` bytes per call of the stream until it ends; returns the count.
    public func discardToEnd() throws -> Int {
        var total = buffer.count
        buffer.removeAll()
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { total += count } else if count == 0 { return total } else {
                throw Failure(description: "read failed (errno \(errno))")
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
