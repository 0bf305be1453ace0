import EventLoops

/// Storage's own event loop: PostgreSQL sockets wait here when the asking task runs on no event loop
/// (start-up, migrations, CLI commands, tests, the global concurrent pool). Request handlers wait on their
/// HTTP loop instead (`EventLoop.current`). One thread for the whole process, started on first use.
enum StorageLoop {
    static let shared: EventLoop = {
        let loop = EventLoop()
        loop.start(name: "storage-io")
        return loop
    }()
}
