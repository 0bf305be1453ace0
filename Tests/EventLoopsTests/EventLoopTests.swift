import EventLoops
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `EventLoop` and `SocketWatch` on real descriptors (socket pairs), without a server.
@Suite(.timeLimit(.minutes(1)))
struct EventLoopTests {
    /// A started loop and a way to wait for its thread to end.
    private final class RunningLoop: Sendable {
        let loop = EventLoop()
        private let exited = Atomic<Bool>(false)

        init(name: String) {
            loop.start(name: name) { [self] in exited.store(true, ordering: .releasing) }
        }

        /// Stops the loop and waits (up to 10 s) for its thread to end; true if it did.
        func stopAndWait() async throws -> Bool {
            loop.stop()
            let deadline = ContinuousClock.now + .seconds(10)
            while !exited.load(ordering: .acquiring), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            return exited.load(ordering: .acquiring)
        }
    }

    /// A connected pair of non-blocking Unix stream sockets.
    private func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        let status = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds)
        try #require(status == 0)
        return (fds[0], fds[1])
    }

    private func send(_ fd: Int32, _ byte: UInt8) {
        var value = byte
        _ = write(fd, &value, 1)
    }

    /// Reads what is there without blocking; the number of bytes read.
    private func drain(_ fd: Int32) -> Int {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { return total }
            total += count
        }
    }

    /// CPU time (user + system, in clock ticks of 10 ms) of one thread of this process, from /proc.
    private func threadCPUTicks(_ thread: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    @Test func theLoopThreadCarriesTheLoopsNameInTheKernel() async throws {
        let running = RunningLoop(name: "named-loop-with-a-long-name")
        let name = try await withTaskExecutorPreference(running.loop) {
            try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
        }
        // Linux keeps 15 bytes of a thread's name.
        #expect(name.trimmingCharacters(in: .newlines) == "named-loop-with")
        #expect(try await running.stopAndWait())
    }

    @Test func aWatchResumesOnItsLoopAgainAndAgainAndMovesBetweenLoops() async throws {
        let first = RunningLoop(name: "watch-a")
        let second = RunningLoop(name: "watch-b")
        let (ours, peer) = try socketPair()
        defer {
            close(ours)
            close(peer)
        }
        let watch = SocketWatch(fd: ours)
        for round in 0..<100 {
            let loop = (round / 10) % 2 == 0 ? first.loop : second.loop
            await withTaskExecutorPreference(loop) {
                // The peer answers from another thread a moment later, as a server would.
                Thread.detachNewThread { [peer] in
                    usleep(200)
                    var value = UInt8(truncatingIfNeeded: round)
                    _ = write(peer, &value, 1)
                }
                var received = 0
                while received == 0 {
                    await watch.wait(for: Epoll.readable, on: loop)
                    received = drain(ours)
                }
                #expect(received == 1)
                #expect(EventLoop.current === loop)
            }
        }
        watch.close()
        // The socket stayed registered on the loops, passively: both still stop.
        #expect(try await first.stopAndWait())
        #expect(try await second.stopAndWait())
    }

    @Test func readinessWhileNobodyWaitsIsKeptForTheNextWaitWithoutSpinning() async throws {
        let running = RunningLoop(name: "watch-idle")
        let (ours, peer) = try socketPair()
        // The peer is closed half-way; closing its number again at the end would close whatever file a
        // concurrent test opened under it since (tests run in parallel in one process).
        var peerIsOpen = true
        defer {
            close(ours)
            if peerIsOpen { close(peer) }
        }
        let watch = SocketWatch(fd: ours)
        let loop = running.loop
        try await withTaskExecutorPreference(loop) {
            send(peer, 1)
            await watch.wait(for: Epoll.readable, on: loop)
            #expect(drain(ours) == 1)
            // Ready again while nobody waits, and the byte is left unread for a while: the loop disarms
            // the socket instead of reporting it on every round, and the next wait returns at once.
            send(peer, 2)
            // The loop's own thread (this task runs on it): /proc/thread-self links to PID/task/TID.
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
            let thread = try #require(link.split(separator: "/").last.flatMap { Int32($0) })
            let before = try #require(threadCPUTicks(thread))
            // Sleep on the global pool, so the loop's thread has nothing to do but spin if it would.
            try await withTaskExecutorPreference(globalConcurrentExecutor) {
                try await Task.sleep(for: .milliseconds(400))
            }
            let after = try #require(threadCPUTicks(thread))
            #expect(after - before < 10, "the loop spun on an unread, level-triggered socket")
            await watch.wait(for: Epoll.readable, on: loop)
            #expect(drain(ours) == 1)
        }
        // The peer hangs up while nobody waits: reported once, then silent until the next wait.
        close(peer)
        peerIsOpen = false
        try await Task.sleep(for: .milliseconds(50))
        await withTaskExecutorPreference(loop) {
            await watch.wait(for: Epoll.readable, on: loop)
            var byte: UInt8 = 0
            #expect(read(ours, &byte, 1) == 0, "end of file after the hang-up")
        }
        watch.close()
        #expect(try await running.stopAndWait())
    }

    @Test func aStoppedLoopNeverWritesToARecycledDescriptor() async throws {
        let running = RunningLoop(name: "exited")
        #expect(try await running.stopAndWait())
        // Descriptors opened now would reuse the loop's epoll and eventfd numbers had it closed them on
        // exit; late work handed to the loop must not write its wake-up into any of them.
        var pairs: [(Int32, Int32)] = []
        for _ in 0..<8 { pairs.append(try socketPair()) }
        defer { for (a, b) in pairs { close(a); close(b) } }
        for _ in 0..<10 { running.loop.execute {} }
        for (a, b) in pairs {
            #expect(drain(a) == 0)
            #expect(drain(b) == 0)
        }
    }
}
