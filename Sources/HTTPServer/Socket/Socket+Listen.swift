import CLinux
import Glibc

/// Why a listener could not be opened.
public struct ListenError: Error, CustomStringConvertible, Sendable {
    /// What failed: `resolve`, `socket`, `bind` or `listen`.
    public var operation: String
    /// The errno or getaddrinfo code.
    public var code: Int32
    /// Address that was asked for.
    public var address: String

    /// Creates the error (the portal names it for its operator; tests make one).
    public init(operation: String, code: Int32, address: String) {
        self.operation = operation
        self.code = code
        self.address = address
    }

    public var description: String { "Could not \(operation) \(address) (code \(code))" }
}

extension Socket {
    /// Opens non-blocking listening sockets for every address `host` resolves to (IPv4 and IPv6), all on
    /// one port. With `port` 0 the kernel picks a free port for the first address and the others reuse it.
    /// `::` listens dual-stack (IPV6_V6ONLY off).
    /// - Returns: the sockets and the bound port.
    /// - Throws: ``ListenError``.
    static func makeListeners(host: String, port: Int, backlog: Int32) throws -> (sockets: [Socket], port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ListenError(operation: "resolve", code: status, address: host)
        }
        defer { freeaddrinfo(list) }
        var sockets: [Socket] = []
        var boundPort = port
        var entry: UnsafeMutablePointer<addrinfo>? = first
        do {
            while let current = entry {
                entry = current.pointee.ai_next
                let family = current.pointee.ai_family
                guard family == AF_INET || family == AF_INET6 else { continue }
                let address = current.pointee.ai_addr!
                if boundPort != 0 { setPort(address, family: family, port: boundPort) }
                let socket = try openListener(
                    family: family, address: address, length: current.pointee.ai_addrlen, backlog: backlog,
                    host: host)
                sockets.append(socket)
                if boundPort == 0 { boundPort = localPort(socket.descriptor) }
            }
        } catch {
            for socket in sockets { socket.close() }
            throw error
        }
        guard !sockets.isEmpty else { throw ListenError(operation: "resolve", code: 0, address: host) }
        return (sockets, boundPort)
    }

    private static func openListener(
        family: Int32, address: UnsafeMutablePointer<sockaddr>, length: socklen_t, backlog: Int32, host: String
    ) throws -> Socket {
        let descriptor = Glibc.socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ListenError(operation: "socket", code: errno, address: host) }
        var one: Int32 = 1
        var zero: Int32 = 0
        let size = socklen_t(MemoryLayout<Int32>.size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, size)
        if family == AF_INET6 { _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, size) }
        guard Glibc.bind(descriptor, address, length) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ListenError(operation: "bind", code: code, address: host)
        }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ListenError(operation: "listen", code: code, address: host)
        }
        return Socket(descriptor: descriptor)
    }

    private static func setPort(_ address: UnsafeMutablePointer<sockaddr>, family: Int32, port: Int) {
        if family == AF_INET {
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = UInt16(port).bigEndian }
        } else {
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                $0.pointee.sin6_port = UInt16(port).bigEndian
            }
        }
    }

    private static func localPort(_ descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET {
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin6_port))
            }
        }
    }

    /// Accepts one pending connection as a non-blocking socket, or nil when none is pending.
    func accept() -> Socket? {
        let descriptor = portal_accept_nonblocking(self.descriptor)
        return descriptor >= 0 ? Socket(descriptor: descriptor) : nil
    }
}
