import Foundation
import Glibc
import Synchronization

/// Something an event loop watches: a listener or a connection. Called on the loop's thread only.
protocol EventHandler: AnyObject {
    /// The descriptor became ready for `events` (EPOLLIN, EPOLLOUT, EPOLLHUP …).
    func handle(events: UInt32)
    /// Called about every ``EventLoop/tickInterval`` with the monotonic time, to enforce deadlines.
    func tick(now: UInt64)
    /// Graceful shutdown began.
    func beginShutdown()
}

/// One thread running epoll and the Swift tasks that prefer it (a `TaskExecutor`, SE-0417).
///
/// Connections accepted on a loop stay on it, and their tasks (the request handlers) run on it too, so a
/// request that does not suspend is parsed, handled and answered on one thread without a single hop.
/// State marked "loop thread only" is touched by this thread alone; other threads go through
/// ``execute(_:)`` or ``enqueue(_:)``, which take the mutex and wake epoll.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// How often deadlines are checked.
    static let tickInterval: UInt64 = 50_000_000

    private struct Remote {
        var jobs: [UnownedJob] = []
        var work: [@Sendable () -> Void] = []
        var isStopping = false
    }

    let epoll = Epoll()
    private let remote = Mutex(Remote())
    private let threadID = Atomic<UInt>(0)
    // Loop thread only.
    private var localJobs: [UnownedJob] = []
    private var runningJobs: [UnownedJob] = []
    private var handlers: [(any EventHandler)?] = []
    private(set) var handlerCount = 0
    private var lastTick: UInt64 = 0
    /// The current `Date` field value, refreshed every tick (RFC 9110 §6.6.1). Loop thread only.
    private(set) var date = HTTPDate.now()

    /// True on this loop's own thread.
    var inLoop: Bool { threadID.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self())) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if inLoop {
            localJobs.append(job)
        } else {
            remote.withLock { $0.jobs.append(job) }
            epoll.wake()
        }
    }

    /// Runs `work` on the loop thread soon (now, if called from it, after the current event).
    func execute(_ work: @escaping @Sendable () -> Void) {
        remote.withLock { $0.work.append(work) }
        epoll.wake()
    }

    /// Starts watching `fd` (loop thread only).
    func register(_ fd: Int32, _ handler: any EventHandler, events: UInt32) {
        let index = Int(fd)
        if index >= handlers.count { handlers.append(contentsOf: repeatElement(nil, count: index + 1 - handlers.count)) }
        handlers[index] = handler
        handlerCount += 1
        epoll.add(fd, events: events)
    }

    /// Stops watching `fd` (loop thread only); the caller closes it afterwards.
    func deregister(_ fd: Int32) {
        let index = Int(fd)
        guard index < handlers.count, handlers[index] != nil else { return }
        epoll.remove(fd)
        handlers[index] = nil
        handlerCount -= 1
    }

    /// Calls `body` with every registered handler (loop thread only).
    func forEachHandler(_ body: (any EventHandler) -> Void) {
        for handler in handlers { if let handler { body(handler) } }
    }

    /// Asks the loop to exit once nothing is registered any more.
    func stop() {
        remote.withLock { $0.isStopping = true }
        epoll.wake()
    }

    /// Starts the thread; `onExit` runs on it after the loop ended.
    func start(name: String, onExit: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            run()
            onExit()
        }
        thread.name = name
        // Handlers run here; give synchronous code in them the usual 8 MiB (reserved, not resident).
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func run() {
        threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        var buffers = Epoll.Buffers(capacity: 256)
        defer {
            buffers.deallocate()
            epoll.close()
        }
        lastTick = MonotonicTime.now()
        while true {
            let timeout: Int32 = localJobs.isEmpty ? Int32(EventLoop.tickInterval / 1_000_000) : 0
            epoll.wait(&buffers, timeout: timeout) { fd, flags in
                if Int(fd) < handlers.count, let handler = handlers[Int(fd)] { handler.handle(events: flags) }
            }
            let (jobs, work, isStopping) = remote.withLock { remote in
                defer {
                    remote.jobs.removeAll(keepingCapacity: true)
                    remote.work.removeAll()
                }
                return (remote.jobs, remote.work, remote.isStopping)
            }
            localJobs.append(contentsOf: jobs)
            for item in work { item() }
            runJobs()
            let now = MonotonicTime.now()
            if now &- lastTick >= EventLoop.tickInterval {
                lastTick = now
                date = HTTPDate.now()
                for handler in handlers { handler?.tick(now: now) }
            }
            if isStopping && handlerCount == 0 && localJobs.isEmpty { break }
        }
    }

    /// Runs queued jobs; jobs they enqueue run in the next rounds, up to a bound so I/O is not starved.
    private func runJobs() {
        var rounds = 0
        while !localJobs.isEmpty && rounds < 16 {
            swap(&localJobs, &runningJobs)
            for job in runningJobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            runningJobs.removeAll(keepingCapacity: true)
            rounds += 1
        }
    }
}
