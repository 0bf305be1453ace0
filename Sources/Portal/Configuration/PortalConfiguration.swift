import ArgumentParser
import Foundation
import HTTPServer

/// The HTTP side of the portal's configuration, resolved once at start-up: command line first, then
/// `PORTAL_*` environment variables, then defaults (README, "Configuration"). Components get their slice
/// of it; only `Portal` reads the environment. Where records and images live is `StorageOptions`.
struct PortalConfiguration: Sendable, Equatable {
    /// Address to listen on. Default `127.0.0.1`: plain HTTP stays on loopback unless asked otherwise.
    var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one. Default 8080.
    var port: Int = 8080
    /// PEM certificate chain; with `tlsKey`, the portal serves HTTPS only.
    var tlsCertificate: String?
    /// PEM private key for `tlsCertificate`.
    var tlsKey: String?
    /// TLS versions, suites and groups offered over HTTPS (Mozilla's profiles). Default intermediate.
    var tlsProfile: HTTPServer.TLSProfile = .intermediate
    /// Number of event loops; default one per core.
    var eventLoops: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Log level name (trace, debug, info, notice, warning, error, critical).
    var logLevel: String = "info"
    /// How long in-flight requests may run after SIGTERM/SIGINT before connections are closed.
    var shutdownGrace: Duration = .seconds(10)
}

/// Values given on the command line; `nil` where the flag was not given.
struct ConfigurationOverrides: Sendable, Equatable {
    var host: String?
    var port: Int?
    var tlsCertificate: String?
    var tlsKey: String?
    var eventLoops: Int?
    var logLevel: String?
    var shutdownGraceSeconds: Int?
    var tlsProfile: String?
}

extension PortalConfiguration {
    /// Resolves the configuration: flags, then environment, then defaults.
    /// - Throws: `ValidationError` naming the flag or variable whose value is wrong.
    static func resolve(
        flags: ConfigurationOverrides, environment: [String: String]
    ) throws -> PortalConfiguration {
        var config = PortalConfiguration()
        func pick(_ flag: String?, _ variable: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return nil
        }
        func integer(_ flag: Int?, _ variable: String, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
            if let flag {
                guard range.contains(flag) else {
                    throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
                }
                return flag
            }
            guard let text = environment[variable], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError(
                    "\(variable) must be a whole number between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        }
        if let host = pick(flags.host, "PORTAL_HOST") { config.host = host }
        if let port = try integer(flags.port, "PORTAL_PORT", "--port", in: 0...65_535) { config.port = port }
        config.tlsCertificate = pick(flags.tlsCertificate, "PORTAL_TLS_CERT")
        config.tlsKey = pick(flags.tlsKey, "PORTAL_TLS_KEY")
        if let name = pick(flags.tlsProfile, "PORTAL_TLS_PROFILE") {
            guard let profile = HTTPServer.TLSProfile(rawValue: name) else {
                let names = HTTPServer.TLSProfile.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("TLS profile (--tls-profile, PORTAL_TLS_PROFILE) must be one of \(names)")
            }
            config.tlsProfile = profile
        }
        if let loops = try integer(flags.eventLoops, "PORTAL_EVENT_LOOPS", "--event-loops", in: 1...256) {
            config.eventLoops = loops
        }
        if let level = pick(flags.logLevel, "PORTAL_LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level) else {
                throw ValidationError("log level must be one of \(levels.joined(separator: ", "))")
            }
            config.logLevel = level
        }
        if let grace = try integer(
            flags.shutdownGraceSeconds, "PORTAL_SHUTDOWN_GRACE", "--shutdown-grace", in: 0...3_600)
        {
            config.shutdownGrace = .seconds(grace)
        }
        if (config.tlsCertificate == nil) != (config.tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key (PORTAL_TLS_CERT, PORTAL_TLS_KEY) go together")
        }
        return config
    }
}
