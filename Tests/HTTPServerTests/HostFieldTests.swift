import HTTPServer
import Testing

/// The `Host` value grammar (RFC 9110 §7.2 over RFC 3986 §3.2.2–3.2.3) as a decision table: each value
/// with the kind of host it names, or nil when a server must answer 400 (RFC 9112 §3.2).
@Suite struct HostFieldTests {
    static let table: [(value: String, kind: HostField.Kind?)] = [
        // Empty: sent when the target URI has no authority (RFC 9110 §7.2).
        ("", .empty),
        // reg-name: unreserved, pct-encoded, sub-delims; an optional port of digits, possibly none.
        ("example.org", .registeredName),
        ("EXAMPLE.org.", .registeredName),
        ("example.org:8080", .registeredName),
        ("example.org:", .registeredName),
        ("example.org:99999", .registeredName),
        ("localhost", .registeredName),
        ("xn--bcher-kva.example", .registeredName),
        ("a%2Eb", .registeredName),
        ("%41%42", .registeredName),
        ("!$&'()*+,;=-._~", .registeredName),
        ("a,b", .registeredName),
        // Not IPv4 addresses, but still reg-names (RFC 3986 §3.2.2: the first rule that matches wins).
        ("256.1.1.1", .registeredName),
        ("01.2.3.4", .registeredName),
        ("1.2.3", .registeredName),
        ("1.2.3.4.5", .registeredName),
        // IPv4address.
        ("127.0.0.1", .ipv4Address),
        ("127.0.0.1:443", .ipv4Address),
        ("0.0.0.0", .ipv4Address),
        ("255.255.255.255", .ipv4Address),
        // IP-literal: IPv6address in all its forms.
        ("[::]", .ipLiteral),
        ("[::1]", .ipLiteral),
        ("[::1]:8443", .ipLiteral),
        ("[::1]:", .ipLiteral),
        ("[1:2:3:4:5:6:7:8]", .ipLiteral),
        ("[1:2:3:4:5:6:7::]", .ipLiteral),
        ("[::2:3:4:5:6:7:8]", .ipLiteral),
        ("[1::8]", .ipLiteral),
        ("[1:2::7:8]", .ipLiteral),
        ("[FE80::aBcD]", .ipLiteral),
        ("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", .ipLiteral),
        ("[1:2:3:4:5:6:1.2.3.4]", .ipLiteral),
        ("[::ffff:192.0.2.1]", .ipLiteral),
        ("[::1.2.3.4]", .ipLiteral),
        ("[1::5:6:255.255.255.255]", .ipLiteral),
        // IP-literal: IPvFuture.
        ("[v1.x]", .ipLiteral),
        ("[V1F.a:b!$]", .ipLiteral),
        ("[v7.fe80::a+en1]:80", .ipLiteral),
        // Invalid reg-names and ports.
        ("a b", nil),
        ("a/b", nil),
        ("a@b", nil),
        ("a?b", nil),
        ("a#b", nil),
        ("a\\b", nil),
        ("a\"b", nil),
        ("a<b>", nil),
        ("a\tb", nil),
        ("a\u{7F}", nil),
        ("ex\u{E9}.org", nil),
        ("%", nil),
        ("%4", nil),
        ("%4g", nil),
        ("a:b", nil),
        ("a:80:90", nil),
        ("a:-1", nil),
        ("a: 80", nil),
        // A port without a host: an http(s) URI needs a host (RFC 9110 §4.2.1).
        (":80", nil),
        (":", nil),
        // Invalid IPv6 addresses.
        ("::1", nil),
        ("[]", nil),
        ("[", nil),
        ("[::1", nil),
        ("[::1]x", nil),
        ("[::1]]", nil),
        ("[::1]:x", nil),
        ("[1:2]", nil),
        ("[1:2:3:4:5:6:7]", nil),
        ("[1:2:3:4:5:6:7:8:9]", nil),
        ("[1:2:3:4:5:6:7:8::]", nil),
        ("[::1:2:3:4:5:6:7:8]", nil),
        ("[1::2::3]", nil),
        ("[1:::2]", nil),
        ("[:::]", nil),
        ("[:1::]", nil),
        ("[1:]", nil),
        ("[::1:]", nil),
        ("[12345::]", nil),
        ("[g::]", nil),
        ("[::1.2.3]", nil),
        ("[::1.2.3.4.5]", nil),
        ("[::256.1.1.1]", nil),
        ("[::01.1.1.1]", nil),
        ("[1.2.3.4]", nil),
        ("[1.2.3.4::]", nil),
        ("[::1.2.3.4:5]", nil),
        ("[1:2:3:4:5:6:7:1.2.3.4]", nil),
        ("[1::3:4:5:6:7:1.2.3.4]", nil),
        // Zone identifiers (RFC 6874) do not belong in Host.
        ("[fe80::1%25eth0]", nil),
        // Invalid IPvFuture.
        ("[v]", nil),
        ("[v1]", nil),
        ("[v1.]", nil),
        ("[v.x]", nil),
        ("[vg.x]", nil),
        ("[v1.x/y]", nil),
        // Not a host at all.
        ("[example.org]", nil),
    ]

    @Test(arguments: table)
    func classifiesHostValue(value: String, kind: HostField.Kind?) {
        let result = Array(value.utf8).withUnsafeBufferPointer { HostField.kind(of: $0) }
        #expect(result == kind, "Host: \(value)")
    }

    @Test func refusesBytesOutsideASCII() {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let value: [UInt8] = [0x61, byte, 0x62]
            #expect(value.withUnsafeBufferPointer { HostField.kind(of: $0) } == nil)
        }
    }
}
