import Foundation
import HTTPServer
import TestSupport
import Testing

/// What the server negotiates, probed with `openssl s_client` one cipher suite, group and protocol at a
/// time (as sslyze does): Mozilla's intermediate profile exactly by default, TLS 1.3 only in the modern
/// profile (issue 16, item 12).
@Suite(.timeLimit(.minutes(3)))
struct ServerTLSProfileTests {
    /// What a handshake settled on; nil fields when it failed.
    struct Handshake {
        var version: String?
        var cipher: String?
        var group: String?
        var output: String
        var isEstablished: Bool { cipher != nil }
    }

    /// One `openssl s_client` handshake offering only what the arguments say; the client's security
    /// level is lowered so that it can offer what the server must refuse.
    static func handshake(port: Int, _ arguments: [String], input: String = "") async throws -> Handshake {
        let run = try await ToolRun.run(
            "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"] + arguments,
            input: Data(input.utf8), mergingErrors: true)
        let text = run.output
        var handshake = Handshake(output: text)
        for line in text.split(separator: "\n") {
            // "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"; "New, (NONE), Cipher is (NONE)" on failure.
            if line.hasPrefix("New, "), !line.contains("(NONE)") {
                let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                handshake.version = parts.count > 1 ? parts[1] : nil
                handshake.cipher = line.components(separatedBy: "Cipher is ").last
            }
            // "Server Temp Key: X25519, 253 bits", "Server Temp Key: ECDH, prime256v1, 256 bits"
            if line.hasPrefix("Server Temp Key: ") { handshake.group = String(line.dropFirst("Server Temp Key: ".count)) }
        }
        return handshake
    }

    static func tls12(_ cipher: String, groups: String? = nil) -> [String] {
        ["-tls1_2", "-cipher", "\(cipher):@SECLEVEL=0"] + (groups.map { ["-groups", $0] } ?? [])
    }

    static func tls13(_ suite: String = "TLS_AES_128_GCM_SHA256", groups: String? = nil) -> [String] {
        ["-tls1_3", "-ciphersuites", suite] + (groups.map { ["-groups", $0] } ?? [])
    }

    enum KeyType: String, CaseIterable { case rsa, ecdsa }

    /// A self-signed certificate of `type` in a fresh temporary folder.
    static func makeCredentials(_ type: KeyType) async throws -> ServerTLSTests.Credentials {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let credentials = ServerTLSTests.Credentials(folder: folder)
        let key = type == .rsa ? ["rsa:2048"] : ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        let result = try await ServerTLSTests.run(
            "openssl",
            ["req", "-x509", "-newkey"] + key + ["-nodes", "-keyout", credentials.key, "-out", credentials.certificate,
             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"])
        guard result.status == 0 else { throw RawHTTPClient.Failure(description: "openssl req failed") }
        return credentials
    }

    static func withTLSServer(
        _ type: KeyType, profile: HTTPServer.TLSProfile = .intermediate, _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let credentials = try await makeCredentials(type)
        defer { try? FileManager.default.removeItem(at: credentials.folder) }
        try await withRunningServer(router: ServerTLSTests.makeRouter(), configure: {
            $0.tls = .init(certificatePath: credentials.certificate, privateKeyPath: credentials.key, profile: profile)
        }) { server in try await body(server.boundPort) }
    }

    /// TLS 1.2 suites by key type: the intermediate profile's ECDHE + AEAD ones, and suites OpenSSL offers
    /// by default that it refuses (static RSA key exchange, CBC, finite-field DHE).
    static let allowedTLS12: [KeyType: [String]] = [
        .rsa: ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"],
        .ecdsa: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"],
    ]
    static let refusedTLS12: [KeyType: [String]] = [
        .rsa: [
            "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA", "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384",
            "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA256", "AES256-SHA256", "AES128-SHA", "AES256-SHA",
            "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
            "DES-CBC3-SHA", "CAMELLIA128-SHA",
        ],
        .ecdsa: [
            "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256",
            "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA-ARIA128-GCM-SHA256",
        ],
    ]
    static let allowedTLS13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
    static let refusedTLS13 = ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]
    static let allowedGroups = [("X25519", "X25519"), ("P-256", "prime256v1"), ("P-384", "secp384r1")]
    static let refusedGroups = ["X448", "P-521", "ffdhe2048", "ffdhe3072"]

    @Test(arguments: KeyType.allCases)
    func intermediateOffersExactlyMozillasSuitesGroupsAndProtocols(type: KeyType) async throws {
        try await Self.withTLSServer(type) { port in
            for cipher in Self.allowedTLS12[type]! {
                let result = try await Self.handshake(port: port, Self.tls12(cipher))
                #expect(result.version == "TLSv1.2" && result.cipher == cipher, "\(cipher) must be accepted")
                #expect(result.output.contains("Compression: NONE"), "\(cipher)")
            }
            for cipher in Self.refusedTLS12[type]! {
                #expect(try await !Self.handshake(port: port, Self.tls12(cipher)).isEstablished, "\(cipher) must be refused")
            }
            for suite in Self.allowedTLS13 {
                let result = try await Self.handshake(port: port, Self.tls13(suite))
                #expect(result.version == "TLSv1.3" && result.cipher == suite, "\(suite) must be accepted")
            }
            for suite in Self.refusedTLS13 {
                #expect(try await !Self.handshake(port: port, Self.tls13(suite)).isEstablished, "\(suite) must be refused")
            }
            let anyTLS12 = Self.allowedTLS12[type]![0]
            for (group, reported) in Self.allowedGroups {
                // In TLS 1.2 the groups also name the curves an ECDSA certificate may use (RFC 8422 §5.1.1),
                // so a client must list P-256 for the P-256 certificate; it prefers the first group listed.
                let tls12Groups = type == .ecdsa && group != "P-256" ? "\(group):P-256" : group
                for arguments in [Self.tls13(groups: group), Self.tls12(anyTLS12, groups: tls12Groups)] {
                    let result = try await Self.handshake(port: port, arguments)
                    #expect(result.group?.contains(reported) == true, "\(group) must be accepted: \(arguments)")
                }
            }
            for group in Self.refusedGroups {
                #expect(try await !Self.handshake(port: port, Self.tls13(groups: group)).isEstablished, "\(group) must be refused")
                if type == .rsa {
                    #expect(
                        try await !Self.handshake(port: port, Self.tls12(anyTLS12, groups: group)).isEstablished,
                        "\(group) must be refused in TLS 1.2")
                }
            }
            for old in ["-tls1", "-tls1_1"] {
                let result = try await Self.handshake(port: port, [old, "-cipher", "ALL:@SECLEVEL=0"])
                #expect(!result.isEstablished, "\(old) must be refused")
            }
        }
    }

    /// Mozilla's intermediate profile lets the client choose among the (equally strong) suites.
    @Test func clientChoosesTheSuite() async throws {
        try await Self.withTLSServer(.rsa) { port in
            let suites = ["ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256"]
            for order in [suites, suites.reversed()] {
                let result = try await Self.handshake(port: port, Self.tls12(order.joined(separator: ":")))
                #expect(result.cipher == order[0])
            }
        }
    }

    /// Renegotiation is refused (a client-initiated one is a denial-of-service lever).
    @Test func refusesRenegotiation() async throws {
        try await Self.withTLSServer(.rsa) { port in
            let result = try await Self.handshake(
                port: port, Self.tls12("ECDHE-RSA-AES128-GCM-SHA256"),
                input: "R\nGET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(result.isEstablished)
            #expect(result.output.contains("RENEGOTIATING"))
            #expect(!result.output.contains("hello over tls"))
        }
    }

    /// Over HTTPS every response carries HSTS, also the server's own refusals (RFC 6797 §6.1); a handler's
    /// own value is replaced by the configured one.
    @Test func sendsStrictTransportSecurityOnEveryHTTPSResponse() async throws {
        try await Self.withTLSServer(.ecdsa) { port in
            let requests = [
                ("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", "HTTP/1.1 200 OK"),
                ("GET /absent HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", "HTTP/1.1 404 Not Found"),
                ("GET /sets-hsts HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", "HTTP/1.1 200 OK"),
                ("GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n", "HTTP/1.1 400 Bad Request"),
            ]
            for (request, statusLine) in requests {
                let result = try await ServerTLSTests.run(
                    "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-quiet"], input: Data(request.utf8))
                #expect(result.output.hasPrefix(statusLine), "\(request)")
                let lines = result.output.components(separatedBy: "\r\n").filter {
                    $0.lowercased().hasPrefix("strict-transport-security:")
                }
                #expect(lines == ["Strict-Transport-Security: max-age=63072000"], "\(request)")
            }
        }
    }

    @Test func strictTransportSecurityIsConfigurable() async throws {
        let credentials = try await Self.makeCredentials(.ecdsa)
        defer { try? FileManager.default.removeItem(at: credentials.folder) }
        for (maxAge, expected) in [(Duration.seconds(300), "Strict-Transport-Security: max-age=300"), (nil, nil)] {
            try await withRunningServer(router: ServerTLSTests.makeRouter(), configure: {
                $0.tls = .init(
                    certificatePath: credentials.certificate, privateKeyPath: credentials.key,
                    strictTransportSecurityMaxAge: maxAge)
            }) { server in
                let result = try await ServerTLSTests.run(
                    "curl", ["-sk", "--http1.1", "-D", "-", "-o", "/dev/null", "https://127.0.0.1:\(server.boundPort)/hello"])
                let lines = result.output.components(separatedBy: "\r\n").filter {
                    $0.lowercased().hasPrefix("strict-transport-security:")
                }
                #expect(lines == (expected.map { [$0] } ?? []))
            }
        }
    }

    /// RFC 6797 §7.2: never over plain HTTP, even when a handler sets it.
    @Test func neverSendsStrictTransportSecurityOverPlainHTTP() async throws {
        try await withRunningServer(router: ServerTLSTests.makeRouter()) { server in
            let client = try RawHTTPClient(port: server.boundPort)
            for target in ["/hello", "/sets-hsts", "/absent"] {
                try client.send("GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().headers["strict-transport-security"] == nil, "\(target)")
            }
            try client.send("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")
            let refusal = try client.readResponse()
            #expect(refusal.status == 400)
            #expect(refusal.headers["strict-transport-security"] == nil)
        }
    }

    @Test(arguments: KeyType.allCases)
    func modernOffersTLS13Only(type: KeyType) async throws {
        try await Self.withTLSServer(type, profile: .modern) { port in
            for cipher in Self.allowedTLS12[type]! {
                #expect(try await !Self.handshake(port: port, Self.tls12(cipher)).isEstablished, "\(cipher) must be refused")
            }
            for suite in Self.allowedTLS13 {
                let result = try await Self.handshake(port: port, Self.tls13(suite))
                #expect(result.version == "TLSv1.3" && result.cipher == suite, "\(suite) must be accepted")
            }
            for (group, reported) in Self.allowedGroups {
                let result = try await Self.handshake(port: port, Self.tls13(groups: group))
                #expect(result.group?.contains(reported) == true, "\(group) must be accepted")
            }
            for group in Self.refusedGroups {
                #expect(try await !Self.handshake(port: port, Self.tls13(groups: group)).isEstablished, "\(group) must be refused")
            }
        }
    }
}
