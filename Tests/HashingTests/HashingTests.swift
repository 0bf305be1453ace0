import Hashing
import Testing

@Suite struct HashingTests {
    @Test func sha256MatchesFIPSVectors() {
        #expect(hexString(SHA256.hash(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hexString(SHA256.hash([UInt8]()))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func sha256IsTheSameInChunks() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256()
        for start in stride(from: 0, to: data.count, by: 7_777) {
            hasher.update(data[start..<min(start + 7_777, data.count)])
        }
        #expect(hasher.finalize() == SHA256.hash(data))
    }

    /// RFC 4231 test case 2.
    @Test func hmacMatchesRFC4231() {
        let mac = HMACSHA256(key: Array("Jefe".utf8))
        #expect(hexString(mac.authenticationCode(for: "what do ya want for nothing?"))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacNeverPrintsItsKey() {
        let mac = HMACSHA256(key: Array("super-secret-key".utf8))
        #expect(!String(describing: mac).contains("super-secret"))
    }
}
