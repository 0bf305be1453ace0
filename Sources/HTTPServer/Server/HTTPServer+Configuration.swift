public import Logging

extension HTTPServer {
    /// Where to listen, limits and timeouts. Every size is in bytes, every time a `Duration`.
    public struct Configuration: Sendable {
        /// Address to bind: an IPv4 or IPv6 literal or a name; `::` listens on IPv4 and IPv6.
        /// Default `127.0.0.1` (loopback only).
        public var host: String = "127.0.0.1"
        /// TCP port; 0 lets the kernel choose (read ``HTTPServer/boundPort``). Default 8080.
        public var port: Int = 8080
        /// TLS certificate and key; nil serves plain HTTP. Default nil.
        public var tls: TLSConfiguration?
        /// Event loops (threads). Default: one per online core.
        public var eventLoopCount: Int = HTTPServer.coreCount
        /// Listen backlog. Default 1024.
        public var backlog: Int = 1024
        /// Most open connections; further ones are answered 503 and closed. Default 10,000.
        public var maxConnections: Int = 10_000
        /// Request line and field limits (414, 431).
        public var parserLimits = RequestParser.Limits()
        /// Body limit for routes that set none, in bytes (413 beyond). Default 1 MiB.
        public var defaultBodyLimit: Int = 1024 * 1024
        /// Time allowed for a whole request head from its first byte, and for the first request of a
        /// connection to start (408 then close). Default 30 s.
        public var headTimeout: Duration = .seconds(30)
        /// Longest silence while a body is expected and the handler is waiting for it (408). Default 60 s.
        public var bodyTimeout: Duration = .seconds(60)
        /// Longest wait for the next request on a kept-alive connection. Default 75 s.
        public var idleTimeout: Duration = .seconds(75)
        /// Longest time a write may make no progress before the connection is dropped. Default 60 s.
        public var writeTimeout: Duration = .seconds(60)
        /// How long to discard input after answering and shutting our side, before closing. Default 2 s.
        public var lingerTimeout: Duration = .seconds(2)
        /// Bytes per socket read, and the most buffered unparsed input per connection. Default 128 KiB.
        public var readBufferSize: Int = 128 * 1024
        /// Unconsumed request body bytes (or unsent response bytes) at which reading the socket (or the
        /// producer) pauses. Default 512 KiB.
        public var bodyHighWater: Int = 512 * 1024
        /// Level of the access log lines. Default `.info`.
        public var accessLogLevel: Logger.Level = .info
        /// Level at which unmapped errors are logged (their type only). Default `.debug`.
        public var errorLogLevel: Logger.Level = .debug
        /// Adjusts the problems the server sends on its own, before any route runs (malformed requests,
        /// 408, 414, 417, 431, 501, 503 over the connection cap) or in place of a streamed response whose
        /// producer failed before its head left (a malformed request body), so that they read like the
        /// application's (its problem `type` catalogue). Each such problem already carries a new `requestId`, logged with
        /// the refusal and echoed in `X-Request-ID`. Default: unchanged.
        public var decorateConnectionProblem: (@Sendable (Problem) -> Problem)?

        /// The defaults.
        public init() {}

        /// A configuration with host and port (and optionally TLS) set.
        public init(host: String = "127.0.0.1", port: Int = 8080, tls: TLSConfiguration? = nil) {
            self.host = host
            self.port = port
            self.tls = tls
        }
    }

    /// TLS: the PEM files, the protocol profile and the HSTS policy sent with every HTTPS response.
    /// ALPN selects `http/1.1`.
    public struct TLSConfiguration: Sendable {
        /// Certificate chain, leaf first.
        public var certificatePath: String
        /// The private key.
        public var privateKeyPath: String
        /// Protocol versions, cipher suites and groups offered. Default ``TLSProfile/intermediate``.
        public var profile: TLSProfile
        /// `max-age` of the `Strict-Transport-Security` field sent on every response over TLS (RFC 6797
        /// §6.1), in whole seconds; nil sends none. Never sent over plain HTTP (RFC 6797 §7.2). Default
        /// 63,072,000 s (two years, Mozilla's recommendation).
        public var strictTransportSecurityMaxAge: Duration?

        /// Makes a configuration.
        public init(
            certificatePath: String, privateKeyPath: String, profile: TLSProfile = .intermediate,
            strictTransportSecurityMaxAge: Duration? = .seconds(63_072_000)
        ) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
            self.profile = profile
            self.strictTransportSecurityMaxAge = strictTransportSecurityMaxAge
        }
    }
}
