import ArgumentParser
import Foundation
import HTTPServer
import Logging
import Storage
import Synchronization

/// `portal serve`: runs the HTTP(S) server with its database (the private cluster unless a URL is given).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the portal over HTTP(S).",
        discussion: """
            Every option can also come from a PORTAL_* environment variable (see README, Configuration); \
            an option given here wins over the variable. Without --database-url the portal runs its own \
            PostgreSQL cluster in <data-dir>/postgres, locks the data folder against a second portal, \
            restarts the cluster if it dies (answering 503 meanwhile), and stops it on exit. SIGTERM or \
            SIGINT stops accepting connections and lets requests in flight finish for --shutdown-grace \
            seconds.
            """)

    @Option(help: "Address to listen on (env PORTAL_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port, 0 for any free one (env PORTAL_PORT, default 8080).")
    var port: Int?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS (env PORTAL_TLS_CERT).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert (env PORTAL_TLS_KEY).")
    var tlsKey: String?

    @Option(
        name: .customLong("tls-profile"),
        help: "intermediate (TLS 1.2 and 1.3) or modern (TLS 1.3 only) (env PORTAL_TLS_PROFILE, default intermediate).")
    var tlsProfile: String?

    @Option(name: .customLong("event-loops"), help: "Event loops (env PORTAL_EVENT_LOOPS, default: cores).")
    var eventLoops: Int?

    @Option(name: .customLong("log-level"), help: "Log level (env PORTAL_LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(
        name: .customLong("shutdown-grace"),
        help: "Seconds requests in flight may finish after SIGTERM (env PORTAL_SHUTDOWN_GRACE, default 10).")
    var shutdownGrace: Int?

    @Option(
        name: .customLong("database-restart-attempts"),
        help: ArgumentHelp(
            "Restarts of the private PostgreSQL after it died, before giving up with exit status 69 "
                + "(env PORTAL_DATABASE_RESTART_ATTEMPTS, default 5)."))
    var databaseRestartAttempts: Int?

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // Every setting resolved and checked before anything starts (README, "Configuration").
        let config = try PortalConfiguration.resolve(
            flags: ConfigurationOverrides(
                host: host, port: port, tlsCertificate: tlsCertificate, tlsKey: tlsKey, eventLoops: eventLoops,
                logLevel: logLevel, shutdownGraceSeconds: shutdownGrace, tlsProfile: tlsProfile),
            environment: environment)
        let supervision = try StorageOptions.supervision(
            restartAttempts: databaseRestartAttempts, environment: environment)
        let databaseURL = storage.resolve(environment: environment).databaseURL
        let explained = { (error: any Error) -> any Error in
            StartupProblem.explaining(error, configuration: config, databaseURL: databaseURL) ?? error
        }
        try StartupProblem.checkTLSFiles(config)
        let openAPI = try InstalledFiles(environment: environment).openAPIDocument()
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "portal")

        // The listening socket and TLS come before the database: a port in use or an unusable certificate
        // is said at once, not after a cluster was started. Until the database is open, readiness says so.
        let opened = Mutex<DatabaseHost?>(nil)
        let application = PortalApplication(
            operations: PortalRoutes.operations(
                PortalRoutes.Services(
                    openAPIDocument: openAPI,
                    readiness: {
                        guard let database = opened.withLock({ $0 }) else { return "The database is starting." }
                        let readiness = await database.readiness()
                        return readiness.isReady ? nil : (readiness.reason ?? "The database is not ready.")
                    })))
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: config.serverConfiguration, router: application.makeRouter(),
                middleware: application.middleware, logger: logger)
        } catch {
            throw explained(error)
        }
        // SIGINT/SIGTERM from here on: a stop asked for while the cluster starts is honoured once it has.
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { signal in
            logger.notice("shutting down", metadata: ["signal": "\(signal)"])
            server.shutdown(gracePeriod: config.shutdownGrace)
        }
        defer { signals.cancel() }

        logger.info("opening the database")
        let database: DatabaseHost
        do {
            database = try await storage.openDatabase(logger: logger, supervision: supervision, environment: environment)
        } catch {
            server.shutdown(gracePeriod: .zero)
            await server.run()
            throw explained(error)
        }
        opened.withLock { $0 = database }
        do {
            // Opening the blob store sweeps temporaries a killed process left behind.
            _ = try storage.openBlobStore(environment: environment)
        } catch {
            server.shutdown(gracePeriod: .zero)
            await server.run()
            await database.shutdown()
            throw error
        }
        let scheme = config.tlsCertificate == nil ? "http" : "https"
        logger.notice(
            "portal listening",
            metadata: ["url": "\(scheme)://\(config.displayHost):\(server.boundPort)", "version": "\(PortalCommand.version)"])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await server.run()
            }
            group.addTask {
                do {
                    try await database.run { logger.record($0, restartAttempts: supervision.restartAttempts) }
                } catch is CancellationError {
                } catch {
                    // The private cluster died and could not be restarted (logged as it gave up): stop serving,
                    // so that the service manager restarts the portal whole, or an operator looks.
                    server.shutdown(gracePeriod: .seconds(1))
                    throw PortalExitStatus.databaseGaveUp
                }
            }
            // The server returns first on a normal shutdown; then the database closes its pool and cluster.
            try await group.next()
            group.cancelAll()
            try await group.waitForAll()
        }
        logger.notice("portal stopped")
    }
}

extension PortalConfiguration {
    /// The server's slice of the configuration.
    var serverConfiguration: HTTPServer.Configuration {
        var server = HTTPServer.Configuration(host: host, port: port)
        if let tlsCertificate, let tlsKey {
            // Strict-Transport-Security keeps the server's default (two years) on every HTTPS response.
            server.tls = HTTPServer.TLSConfiguration(
                certificatePath: tlsCertificate, privateKeyPath: tlsKey, profile: tlsProfile)
        }
        server.eventLoopCount = eventLoops
        // Problems the server sends before routing (malformed requests) get the catalogue's types too.
        server.decorateConnectionProblem = { problem in
            ProblemCatalogueMiddleware.decorate(problem, requestID: problem.extensions["requestId"] ?? "")
        }
        return server
    }

    /// The host as it appears in a URL (IPv6 literals in brackets).
    var displayHost: String { host.contains(":") ? "[\(host)]" : host }
}
