// A raw-socket HTTP/1.1 client that streams one large body to or from a server on loopback and reports
// the throughput. curl would do, but its own copying on a 2-core machine would be measured with the server.
//
// Usage:
//   stream-client upload   --port N --bytes B [--path /upload]
//   stream-client download --port N --bytes B [--path /download]
// Prints one line: `<mode> bytes=B seconds=S MBps=M status=200`; exits 1 on any failure.

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure with a message for the runner's log.
struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// Parsed command-line options.
struct Options {
    var mode = ""
    var port: UInt16 = 8080
    var bytes = 1 << 30
    var path: String?

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        guard let mode = iterator.next(), mode == "upload" || mode == "download" else {
            throw ClientError(description: "usage: stream-client upload|download --port N --bytes B [--path P]")
        }
        self.mode = mode
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw ClientError(description: "\(flag) needs a value") }
            switch flag {
            case "--port": port = UInt16(value) ?? 0
            case "--bytes": bytes = Int(value) ?? 0
            case "--path": path = value
            default: throw ClientError(description: "unknown option \(flag)")
            }
        }
    }
}

/// Opens a TCP connection to 127.0.0.1:port with TCP_NODELAY.
func connectLoopback(port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ClientError(description: "socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard result == 0 else { throw ClientError(description: "connect: errno \(errno)") }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return fd
}

/// Writes all of `buffer`, retrying short writes.
func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < buffer.count {
        let written = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
        if written < 0 {
            if errno == EINTR { continue }
            throw ClientError(description: "send: errno \(errno)")
        }
        offset += written
    }
}

/// Reads until the peer closes; returns the head (up to the blank line) and the number of body bytes.
func readResponse(_ fd: Int32, scratch: UnsafeMutableRawBufferPointer) throws -> (head: String, bodyBytes: Int) {
    var headBytes: [UInt8] = []
    var headDone = false
    var bodyBytes = 0
    let terminator: [UInt8] = [13, 10, 13, 10]
    while true {
        let count = recv(fd, scratch.baseAddress!, scratch.count, 0)
        if count < 0 {
            if errno == EINTR { continue }
            throw ClientError(description: "recv: errno \(errno)")
        }
        if count == 0 { break }
        if headDone {
            bodyBytes += count
            continue
        }
        headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
        if let end = firstRange(of: terminator, in: headBytes) {
            headDone = true
            bodyBytes = headBytes.count - end
            headBytes.removeSubrange(end...)
        } else if headBytes.count > 64 * 1024 {
            throw ClientError(description: "response head over 64 KiB")
        }
    }
    guard headDone else { throw ClientError(description: "connection closed before the response head") }
    return (String(decoding: headBytes, as: UTF8.self), bodyBytes)
}

/// The index just past the first occurrence of `needle` in `haystack`.
func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
        return start + needle.count
    }
    return nil
}

/// The status code of a response head, or 0.
func statusCode(_ head: String) -> Int {
    let parts = head.split(separator: " ", maxSplits: 2)
    return parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
}

func run() throws {
    let options = try Options(CommandLine.arguments)
    let chunkSize = 1 << 20
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
    defer { scratch.deallocate() }
    scratch.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"))

    let start = ContinuousClock.now
    let fd = try connectLoopback(port: options.port)
    defer { close(fd) }
    let head: String
    var transferred = 0
    if options.mode == "upload" {
        let path = options.path ?? "/upload"
        let request =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Length: \(options.bytes)\r\nConnection: close\r\n\r\n"
        try Array(request.utf8).withUnsafeBytes { try writeAll(fd, $0) }
        var remaining = options.bytes
        while remaining > 0 {
            let count = min(remaining, chunkSize)
            try writeAll(fd, UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
            remaining -= count
        }
        transferred = options.bytes
        head = try readResponse(fd, scratch: scratch).head
    } else {
        let path = options.path ?? "/download?bytes=\(options.bytes)"
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        try Array(request.utf8).withUnsafeBytes { try writeAll(fd, $0) }
        let response = try readResponse(fd, scratch: scratch)
        head = response.head
        transferred = response.bodyBytes
        guard transferred >= options.bytes else {
            throw ClientError(description: "download ended after \(transferred) of \(options.bytes) bytes")
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let status = statusCode(head)
    let megabytesPerSecond = Double(transferred) / seconds / 1e6
    print(
        "\(options.mode) bytes=\(transferred) seconds=\(String(format: "%.3f", seconds)) "
            + "MBps=\(String(format: "%.0f", megabytesPerSecond)) status=\(status)")
    guard status == 200 else { throw ClientError(description: "status \(status)") }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("stream-client: \(error)\n".utf8))
    exit(1)
}
