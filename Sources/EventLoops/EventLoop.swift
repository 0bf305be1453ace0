import CLinux
import Foundation
import Glibc
import Synchronization

/// Something an event loop watches: a listener, a connection, a one-shot readiness wait. Called on the
/// loop's thread only.
package protocol EventHandler: AnyObject {
    /// The descriptor became ready for `events` (EPOLLIN, EPOLLOUT, EPOLLHUP …).
    func handle(events: UInt32)
    /// Called about every ``EventLoop/tickInterval`` with the monotonic time, to enforce deadlines.
    func tick(now: UInt64)
    /// Graceful shutdown began.
    func beginShutdown()
}

/// One thread running epoll and the Swift tasks that prefer it (a `TaskExecutor`, SE-0417).
///
/// HTTPServer's connections accepted on a loop stay on it, and their tasks (the request handlers) run on it
/// too, so a request that does not suspend is parsed, handled and answered on one thread without a single
/// hop. Storage waits for PostgreSQL's answers on the loop the asking task runs on
/// (``SocketWatch``), so a query from a handler costs no thread hop either.
/// State marked "loop thread only" is touched by this thread alone; other threads go through
/// ``execute(_:)`` or ``enqueue(_:)``, which take the mutex and wake epoll.
public final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// How often deadlines are checked.
    package static let tickInterval: UInt64 = 50_000_000

    private struct Remote {
        var jobs: [UnownedJob] = []
        var work: [@Sendable () -> Void] = []
        var isStopping = false
        /// The thread has left `run()`: work handed over from now on is dropped.
        var hasExited = false
    }

    package let epoll = Epoll()
    private let remote = Mutex(Remote())
    private let threadID = Atomic<UInt>(0)
    // Loop thread only.
    private var localJobs: [UnownedJob] = []
    private var runningJobs: [UnownedJob] = []
    private var handlers: [(any EventHandler)?] = []
    /// Whether `handlers[fd]` counts in `handlerCount` (keeps the loop alive at shutdown).
    private var counted: [Bool] = []
    private var handlerCount = 0
    /// Tasks suspended until a passive watch reports (``waitBegan()``): they keep the loop running after
    /// ``stop()``, or they would never be resumed.
    private var pendingWaits = 0
    private var lastTick: UInt64 = 0
    /// The current `Date` field value, refreshed every tick (RFC 9110 §6.6.1). Loop thread only.
    package private(set) var date = HTTPDate.now()

    /// A loop; nothing runs until ``start(name:onExit:)``.
    public init() {}

    deinit { epoll.close() }

    /// True on this loop's own thread.
    package var inLoop: Bool { threadID.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// The loop whose thread is calling, if any.
    package static var current: EventLoop? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Thread-specific slot naming the loop a thread runs (set for the thread's whole life).
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if inLoop {
            localJobs.append(job)
        } else {
            remote.withLock { $0.jobs.append(job) }
            epoll.wake()
        }
    }

    /// Runs `work` on the loop thread soon (now, if called from it, after the current event); dropped if
    /// the loop has exited.
    package func execute(_ work: @escaping @Sendable () -> Void) {
        let accepted = remote.withLock { remote in
            if !remote.hasExited { remote.work.append(work) }
            return !remote.hasExited
        }
        if accepted { epoll.wake() }
    }

    /// Starts watching `fd` (loop thread only).
    /// - Parameter keepsLoopAlive: Whether the loop waits for this handler before it exits after
    ///   ``stop()``; false for watches that outlive requests (a pooled database connection's socket).
    package func register(_ fd: Int32, _ handler: any EventHandler, events: UInt32, keepsLoopAlive: Bool = true) {
        let index = Int(fd)
        if index >= handlers.count {
            handlers.append(contentsOf: repeatElement(nil, count: index + 1 - handlers.count))
            counted.append(contentsOf: repeatElement(false, count: index + 1 - counted.count))
        }
        if counted[index] { handlerCount -= 1 }
        handlers[index] = handler
        counted[index] = keepsLoopAlive
        if keepsLoopAlive { handlerCount += 1 }
        if !epoll.add(fd, events: events) { epoll.modify(fd, events: events) }
    }

    /// Stops watching `fd` (loop thread only); the caller closes it afterwards.
    package func deregister(_ fd: Int32) {
        let index = Int(fd)
        guard index < handlers.count, handlers[index] != nil else { return }
        epoll.remove(fd)
        handlers[index] = nil
        if counted[index] { handlerCount -= 1 }
        counted[index] = false
    }

    /// Stops watching `fd` if `handler` is still the one registered for it (loop thread only): a
    /// descriptor closed and reused since is left to its new owner.
    package func deregister(_ fd: Int32, ifStill handler: any EventHandler) {
        let index = Int(fd)
        guard index < handlers.count, let current = handlers[index], current === handler else { return }
        deregister(fd)
    }

    /// A task is now suspended until a passive watch (registered with `keepsLoopAlive: false`) reports: the
    /// loop will not exit before the matching ``waitEnded()`` (loop thread only).
    package func waitBegan() { pendingWaits += 1 }

    /// The task of a ``waitBegan()`` was resumed (loop thread only).
    package func waitEnded() { pendingWaits -= 1 }

    /// Calls `body` with every registered handler (loop thread only).
    package func forEachHandler(_ body: (any EventHandler) -> Void) {
        for handler in handlers { if let handler { body(handler) } }
    }

    /// Asks the loop to exit once nothing is registered any more.
    public func stop() {
        remote.withLock { $0.isStopping = true }
        epoll.wake()
    }

    /// Starts the thread; `onExit` runs on it after the loop ended.
    public func start(name: String, onExit: @escaping @Sendable () -> Void = {}) {
        let thread = Thread { [self] in
            // The kernel's name, seen by `top -H`, `ps -L` and perf (15 bytes at most); Foundation's
            // `Thread.name` alone does not reach it on Linux.
            _ = portal_set_thread_name(String(decoding: Array(name.utf8).prefix(15), as: UTF8.self))
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
        // The loop outlives its thread: `start` keeps `self` in the thread's closure until `run` returns.
        pthread_setspecific(EventLoop.currentKey, Unmanaged.passUnretained(self).toOpaque())
        var buffers = Epoll.Buffers(capacity: 256)
        defer {
            buffers.deallocate()
            // Only passive watches are left (pooled sockets); they hold the loop, so dropping them here
            // breaks that cycle. Nothing is dispatched to them any more.
            handlers.removeAll()
            counted.removeAll()
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
            if isStopping && handlerCount == 0 && pendingWaits == 0 && localJobs.isEmpty, exitIfNothingArrived() {
                break
            }
        }
    }

    /// Marks the loop as exited unless jobs or work were handed over since this round took them: those
    /// are run first (a wait handed over by another thread must be armed, or its task is never resumed).
    /// Work handed over later is dropped (``execute(_:)``); the descriptors stay open until deinit, so a
    /// late wake-up still writes to this loop's eventfd, never to a recycled descriptor number.
    private func exitIfNothingArrived() -> Bool {
        remote.withLock { remote in
            guard remote.jobs.isEmpty && remote.work.isEmpty else { return false }
            remote.hasExited = true
            return true
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
