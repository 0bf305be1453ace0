import CLinux
import Glibc

/// An epoll instance plus an eventfd to wake it from other threads (epoll(7), eventfd(2)).
/// Level-triggered: interest in reading or writing is switched on only while it is wanted.
package struct Epoll {
    package static let readable = portal_EPOLLIN
    package static let writable = portal_EPOLLOUT
    package static let hangup = portal_EPOLLHUP | portal_EPOLLERR | portal_EPOLLRDHUP
    package static let exclusive = portal_EPOLLEXCLUSIVE
    /// Reported once, then disabled until re-armed with ``modify(_:events:)``.
    package static let oneShot = portal_EPOLLONESHOT

    package let descriptor: Int32
    package let wakeDescriptor: Int32

    /// Creates the instance and registers the wake-up eventfd.
    package init() {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        precondition(descriptor >= 0 && wakeDescriptor >= 0, "epoll_create1 or eventfd failed")
        add(wakeDescriptor, events: Epoll.readable)
    }

    /// Registers `fd` for `events`; false if it could not (already registered, say).
    @discardableResult
    package func add(_ fd: Int32, events: UInt32) -> Bool {
        portal_epoll_ctl(descriptor, EPOLL_CTL_ADD, fd, events) == 0
    }

    /// Changes the events `fd` is watched for.
    package func modify(_ fd: Int32, events: UInt32) {
        _ = portal_epoll_ctl(descriptor, EPOLL_CTL_MOD, fd, events)
    }

    /// Stops watching `fd`.
    package func remove(_ fd: Int32) {
        _ = portal_epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, 0)
    }

    /// Waits up to `timeout` milliseconds and calls `body` with each ready descriptor and its events.
    func wait(_ buffers: inout Buffers, timeout: Int32, _ body: (Int32, UInt32) -> Void) {
        let count = portal_epoll_wait(
            descriptor, buffers.scratch.baseAddress, buffers.fds.baseAddress, buffers.masks.baseAddress,
            Int32(buffers.fds.count), timeout)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let fd = buffers.fds[index]
            if fd == wakeDescriptor {
                var value: UInt64 = 0
                _ = Glibc.read(wakeDescriptor, &value, 8)
                continue
            }
            body(fd, buffers.masks[index])
        }
    }

    /// Memory for ``wait(_:timeout:_:)``, allocated once per loop.
    struct Buffers {
        let scratch: UnsafeMutableBufferPointer<epoll_event>
        let fds: UnsafeMutableBufferPointer<Int32>
        let masks: UnsafeMutableBufferPointer<UInt32>

        init(capacity: Int) {
            scratch = .allocate(capacity: capacity)
            fds = .allocate(capacity: capacity)
            masks = .allocate(capacity: capacity)
        }

        func deallocate() {
            scratch.deallocate()
            fds.deallocate()
            masks.deallocate()
        }
    }

    /// Wakes a thread blocked in ``wait(_:timeout:_:)``.
    package func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeDescriptor, &one, 8)
    }

    /// Closes both descriptors.
    package func close() {
        Glibc.close(wakeDescriptor)
        Glibc.close(descriptor)
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC), for deadlines.
package enum MonotonicTime {
    package static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// `duration` in nanoseconds, saturating.
    package static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
