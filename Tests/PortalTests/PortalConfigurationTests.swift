import ArgumentParser
import HTTPServer
import Testing

@testable import Portal

@Suite struct PortalConfigurationTests {
    @Test func defaultsServeLoopbackWithPrivateCluster() throws {
        let config = try PortalConfiguration.resolve(flags: .init(), environment: [:])
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.tlsCertificate == nil)
    }

    @Test func environmentFillsWhatFlagsLeaveOut() throws {
        let config = try PortalConfiguration.resolve(
            flags: .init(port: 9000),
            environment: ["PORTAL_HOST": "::1", "PORTAL_PORT": "7000", "PORTAL_LOG_LEVEL": "debug"])
        #expect(config.host == "::1")
        #expect(config.port == 9000)
        #expect(config.logLevel == "debug")
    }

    @Test(arguments: [
        ["PORTAL_PORT": "80000"], ["PORTAL_PORT": "eighty"], ["PORTAL_TLS_CERT": "/etc/cert.pem"],
        ["PORTAL_LOG_LEVEL": "loud"], ["PORTAL_EVENT_LOOPS": "0"], ["PORTAL_TLS_PROFILE": "old"],
        ["PORTAL_TLS_PROFILE": "Modern"],
    ])
    func rejectsInvalidEnvironment(_ environment: [String: String]) {
        #expect(throws: ValidationError.self) {
            try PortalConfiguration.resolve(flags: .init(), environment: environment)
        }
    }

    @Test func rejectsOutOfRangePortFlag() {
        #expect(throws: ValidationError.self) {
            try PortalConfiguration.resolve(flags: .init(port: -1), environment: [:])
        }
    }

    @Test func tlsProfileDefaultsToIntermediateAndReachesTheServer() throws {
        let defaults = try PortalConfiguration.resolve(
            flags: .init(tlsCertificate: "/c.pem", tlsKey: "/k.pem"), environment: [:])
        #expect(defaults.tlsProfile == .intermediate)
        #expect(defaults.serverConfiguration.tls?.profile == .intermediate)
        #expect(defaults.serverConfiguration.tls?.strictTransportSecurityMaxAge == .seconds(63_072_000))
        let fromEnvironment = try PortalConfiguration.resolve(
            flags: .init(tlsCertificate: "/c.pem", tlsKey: "/k.pem"), environment: ["PORTAL_TLS_PROFILE": "modern"])
        #expect(fromEnvironment.serverConfiguration.tls?.profile == .modern)
        let flagWins = try PortalConfiguration.resolve(
            flags: .init(tlsProfile: "intermediate"), environment: ["PORTAL_TLS_PROFILE": "modern"])
        #expect(flagWins.tlsProfile == .intermediate)
        #expect(flagWins.serverConfiguration.tls == nil)
    }

    @Test func tlsNeedsBothCertificateAndKey() throws {
        let config = try PortalConfiguration.resolve(
            flags: .init(tlsCertificate: "/c.pem", tlsKey: "/k.pem"), environment: [:])
        #expect(config.tlsCertificate == "/c.pem" && config.tlsKey == "/k.pem")
    }
}
