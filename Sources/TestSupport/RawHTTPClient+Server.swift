public import HTTPServer
public import Logging

/// Runs `body` against a server on 127.0.0.1 and a kernel-chosen port, then shuts it down and waits for
/// `run()` to return (so every test also checks that shutdown completes). `body` runs on a thread of its
/// own, so it may block in ``RawHTTPClient`` calls.
public func withRunningServer<T: Sendable>(
    router: Router, configure: (inout HTTPServer.Configuration) -> Void = { _ in },
    middleware: [any Middleware] = [], logger: Logger = quietLogger(),
    _ body: @Sendable (HTTPServer) async throws -> T
) async throws -> T {
    var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
    configuration.eventLoopCount = 1
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, router: router, middleware: middleware, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await server.run() }
        // Start timing-sensitive test code only once the server accepts.
        let deadline = ContinuousClock.now + .seconds(60)
        while !server.isListening && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let executor = BlockingTestExecutor()
        defer { executor.stop() }
        do {
            let result = try await withTaskExecutorPreference(executor) { try await body(server) }
            server.shutdown(gracePeriod: .seconds(5))
            try await group.waitForAll()
            return result
        } catch {
            server.shutdown(gracePeriod: .zero)
            try? await group.waitForAll()
            throw error
        }
    }
}

/// A logger that prints only warnings and worse, so access lines do not flood test output.
public func quietLogger() -> Logger {
    var logger = Logger(label: "test.http")
    logger.logLevel = .warning
    return logger
}
