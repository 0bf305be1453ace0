extension HTTPServer {
    /// Which TLS versions, cipher suites and key-exchange groups the server offers: one of Mozilla's
    /// Server Side TLS profiles (https://wiki.mozilla.org/Security/Server_Side_TLS, version 5.7 without
    /// finite-field DHE, as in its later revisions).
    ///
    /// Both profiles offer forward-secret AEAD suites only, no compression (CRIME) and no renegotiation,
    /// and let the client pick among the suites (every one is strong; Mozilla sets no server preference
    /// for these profiles, so a client without AES hardware may choose ChaCha20).
    public enum TLSProfile: String, Sendable, CaseIterable {
        /// TLS 1.2 with ECDHE and AEAD (`ECDHE-{ECDSA,RSA}-AES128-GCM-SHA256`, `-AES256-GCM-SHA384`,
        /// `-CHACHA20-POLY1305`) and TLS 1.3 with its three standard suites; groups X25519, P-256, P-384.
        /// For general-purpose servers with clients of the last decade. The default.
        case intermediate
        /// TLS 1.3 only (`TLS_AES_128_GCM_SHA256`, `TLS_AES_256_GCM_SHA384`, `TLS_CHACHA20_POLY1305_SHA256`);
        /// groups X25519, P-256, P-384. For clients that all speak TLS 1.3.
        case modern

        /// The lowest protocol version offered.
        var minimumVersion: Version {
            switch self {
            case .intermediate: .tls12
            case .modern: .tls13
            }
        }

        /// Protocol versions.
        enum Version { case tls12, tls13 }

        /// TLS 1.2 cipher suites in OpenSSL's names (unused when the minimum is TLS 1.3).
        var tls12CipherList: String {
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
        }

        /// TLS 1.3 cipher suites (RFC 8446 §B.4 names).
        var tls13CipherSuites: String { "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256" }

        /// Key-exchange groups (RFC 8446 §4.2.7; RFC 8422 §5.1.1 for TLS 1.2's ECDHE), in preference order.
        var groups: String { "X25519:P-256:P-384" }
    }
}
