/// The `Host` field value: `Host = uri-host [ ":" port ]` (RFC 9110 §7.2), where `uri-host` is RFC 3986's
/// `host` (§3.2.2) and `port = *DIGIT` (§3.2.3). Checked on bytes, without allocating, on every request.
///
/// RFC 9112 §3.2 makes a server answer 400 to a `Host` with an invalid value. Refused besides the grammar:
/// a port with an empty host (`:80`), because an `http` or `https` URI with an empty host is invalid
/// (RFC 9110 §4.2.1, §4.2.2). An empty value is accepted: RFC 9110 §7.2 has clients send it when the target
/// URI has no authority, and RFC 9112 §3.3 lets the server use its own authority then.
public enum HostField {
    /// Which alternative of `host` a value matched (RFC 3986 §3.2.2: the first that matches wins).
    public enum Kind: Sendable, Equatable {
        /// The whole field value is empty.
        case empty
        /// `IP-literal = "[" ( IPv6address / IPvFuture ) "]"`.
        case ipLiteral
        /// `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`.
        case ipv4Address
        /// `reg-name = *( unreserved / pct-encoded / sub-delims )`, not empty here.
        case registeredName
    }

    /// The kind of host `value` names, or nil when it is not a valid `Host` value.
    /// - Parameter value: the field value without surrounding whitespace.
    public static func kind(of value: UnsafeBufferPointer<UInt8>) -> Kind? {
        guard !value.isEmpty else { return .empty }
        let hostEnd: Int
        let kind: Kind
        if value[0] == UInt8(ascii: "[") {
            // An IP-literal holds no "]", so the first one closes it.
            guard let close = value.firstIndex(of: UInt8(ascii: "]")),
                isIPLiteralContent(UnsafeBufferPointer(rebasing: value[1..<close]))
            else { return nil }
            hostEnd = close + 1
            kind = .ipLiteral
        } else {
            // Neither IPv4address nor reg-name holds a ":", so the first one starts the port.
            hostEnd = value.firstIndex(of: ASCII.colon) ?? value.count
            let host = UnsafeBufferPointer(rebasing: value[0..<hostEnd])
            if isIPv4Address(host) {
                kind = .ipv4Address
            } else if !host.isEmpty && isRegisteredName(host) {
                kind = .registeredName
            } else {
                return nil
            }
        }
        guard hostEnd == value.count || isPort(UnsafeBufferPointer(rebasing: value[hostEnd...])) else { return nil }
        return kind
    }

    /// `":" *DIGIT`: the colon and the port after the host.
    private static func isPort(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first == ASCII.colon else { return false }
        return bytes.dropFirst().allSatisfy(isDigit)
    }

    /// `reg-name = *( unreserved / pct-encoded / sub-delims )`, with `pct-encoded = "%" HEXDIG HEXDIG`.
    static func isRegisteredName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, ASCII.hexValue(bytes[index + 1]) != nil,
                    ASCII.hexValue(bytes[index + 2]) != nil
                else { return false }
                index += 3
                continue
            }
            guard isUnreserved(byte) || isSubDelimiter(byte) else { return false }
            index += 1
        }
        return true
    }

    /// What lies between the brackets of an `IP-literal`: `IPv6address / IPvFuture` (RFC 3986 §3.2.2).
    /// Zone identifiers (RFC 6874) are not part of a `Host` value.
    static func isIPLiteralContent(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        return ASCII.lowercased(first) == UInt8(ascii: "v") ? isIPvFuture(bytes) : isIPv6Address(bytes)
    }

    /// `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
    static func isIPvFuture(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 1
        while index < bytes.count && ASCII.hexValue(bytes[index]) != nil { index += 1 }
        guard index > 1, index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return false }
        index += 1
        guard index < bytes.count else { return false }
        return bytes[index...].allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == ASCII.colon }
    }

    /// `IPv6address` (RFC 3986 §3.2.2): eight 16-bit pieces (`h16 = 1*4HEXDIG`), the last two of which may
    /// be an `IPv4address`; one `::` stands for one or more zero pieces.
    static func isIPv6Address(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        var index = 0
        var pieces = 0
        var isElided = false
        if count >= 2 && bytes[0] == ASCII.colon && bytes[1] == ASCII.colon {
            isElided = true
            index = 2
            if index == count { return true }
        } else if count >= 1 && bytes[0] == ASCII.colon {
            return false
        }
        while true {
            let start = index
            while index < count && ASCII.hexValue(bytes[index]) != nil { index += 1 }
            if index < count && bytes[index] == UInt8(ascii: ".") {
                // ls32 as an IPv4address: two pieces, and the last thing in the address.
                guard isIPv4Address(UnsafeBufferPointer(rebasing: bytes[start..<count])) else { return false }
                pieces += 2
                break
            }
            guard (1...4).contains(index - start) else { return false }
            pieces += 1
            if index == count { break }
            guard bytes[index] == ASCII.colon, pieces < 8 else { return false }
            index += 1
            if index < count && bytes[index] == ASCII.colon {
                guard !isElided else { return false }
                isElided = true
                index += 1
                if index == count { break }
            } else if index == count {
                return false
            }
        }
        return isElided ? pieces <= 7 : pieces == 8
    }

    /// `IPv4address`, each `dec-octet` 0–255 without leading zeros.
    static func isIPv4Address(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        for octet in 0..<4 {
            if octet > 0 {
                guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
            let start = index
            var value = 0
            while index < bytes.count && index - start < 3 && isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            let length = index - start
            guard length > 0, value <= 255, length == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
        }
        return index == bytes.count
    }

    /// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 §2.3).
    @inline(__always) static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: true
        default: false
        }
    }

    /// `sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="` (RFC 3986 §2.2).
    @inline(__always) static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: true
        default: false
        }
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
