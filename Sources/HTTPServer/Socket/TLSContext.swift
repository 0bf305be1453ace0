import COpenSSL

/// Why TLS could not be set up.
public struct TLSError: Error, CustomStringConvertible, Sendable {
    /// The step that failed.
    public var operation: String
    /// OpenSSL's reason, from its error queue (library and reason only; never key material).
    public var reason: String

    /// Creates the error (the portal names it for its operator; tests make one).
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "TLS \(operation) failed: \(reason)" }

    static func fromQueue(_ operation: String) -> TLSError {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        ERR_clear_error()
        let reason = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return TLSError(operation: operation, reason: reason)
    }
}

/// An OpenSSL server context: certificate chain, private key, the versions, suites and groups of a
/// ``HTTPServer/TLSProfile``, ALPN `http/1.1`.
/// `SSL_CTX` is safe to share once configured; sessions are created from any loop.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads a PEM certificate chain and private key and restricts the context to `profile`.
    /// - Throws: ``TLSError`` when a file cannot be read, the key does not match the certificate, or
    ///   OpenSSL does not know a suite or group of the profile.
    init(certificatePath: String, privateKeyPath: String, profile: HTTPServer.TLSProfile) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError.fromQueue("context") }
        self.context = context
        let minimum = profile.minimumVersion == .tls12 ? TLS1_2_VERSION : TLS1_3_VERSION
        guard portal_SSL_CTX_set_min_proto_version(context, Int32(minimum)) == 1 else {
            throw TLSError.fromQueue("minimum version")
        }
        // Only the listed suites: OpenSSL's defaults add static-RSA key exchange and CBC suites to TLS 1.2.
        guard SSL_CTX_set_cipher_list(context, profile.tls12CipherList) == 1 else {
            throw TLSError.fromQueue("TLS 1.2 cipher suites")
        }
        guard SSL_CTX_set_ciphersuites(context, profile.tls13CipherSuites) == 1 else {
            throw TLSError.fromQueue("TLS 1.3 cipher suites")
        }
        // OpenSSL's defaults add X448, P-521 and the finite-field groups.
        guard portal_SSL_CTX_set1_groups_list(context, profile.groups) == 1 else {
            throw TLSError.fromQueue("groups")
        }
        portal_SSL_CTX_set_profile_options(context)
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw TLSError.fromQueue("certificate")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.fromQueue("private key")
        }
        guard SSL_CTX_check_private_key(context) == 1 else { throw TLSError.fromQueue("key check") }
        SSL_CTX_set_alpn_select_cb(context, { _, out, outLength, offered, offeredLength, _ in
            // RFC 7301 §3.2: pick http/1.1 when offered; otherwise continue without ALPN.
            guard let offered, let out, let outLength else { return SSL_TLSEXT_ERR_NOACK }
            let wanted: [UInt8] = Array("http/1.1".utf8)
            var index = 0
            while index < Int(offeredLength) {
                let length = Int(offered[index])
                let start = index + 1
                if start + length <= Int(offeredLength), length == wanted.count,
                    (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] })
                {
                    out.pointee = offered + start
                    outLength.pointee = UInt8(length)
                    return SSL_TLSEXT_ERR_OK
                }
                index = start + length
            }
            return SSL_TLSEXT_ERR_NOACK
        }, nil)
    }

    deinit { SSL_CTX_free(context) }
}

/// One TLS connection over a non-blocking socket. Touched only by the connection's loop thread.
struct TLSSession {
    enum HandshakeResult { case done, wantRead, wantWrite, failed }

    let ssl: OpaquePointer

    /// Starts a server-side session on `descriptor`; nil when OpenSSL cannot allocate one.
    init?(context: TLSContext, descriptor: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        SSL_set_accept_state(ssl)
        _ = portal_SSL_set_mode(ssl, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
    }

    /// Advances the handshake without blocking.
    func handshake() -> HandshakeResult {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        default:
            ERR_clear_error()
            return .failed
        }
    }

    /// Decrypts into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .bytes(Int(count)) }
        return classify(count)
    }

    /// Encrypts and sends from `buffer` (partial writes allowed).
    func write(_ buffer: UnsafeRawBufferPointer) -> IOResult {
        guard buffer.count > 0 else { return .bytes(0) }
        ERR_clear_error()
        let count = SSL_write(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .bytes(Int(count)) }
        return classify(count)
    }

    /// Bytes already decrypted and waiting inside OpenSSL.
    var pendingBytes: Int { Int(SSL_pending(ssl)) }

    private func classify(_ result: Int32) -> IOResult {
        let error = SSL_get_error(ssl, result)
        ERR_clear_error()
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wouldBlock
        case SSL_ERROR_ZERO_RETURN: return .endOfFile
        case SSL_ERROR_SYSCALL where result == 0: return .endOfFile
        default: return .failed(error)
        }
    }

    /// Sends close_notify (best effort) before our side of the socket is shut.
    func notifyClose() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// Sends close_notify (best effort) and frees the session.
    func close() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        SSL_free(ssl)
    }
}
