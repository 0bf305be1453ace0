#ifndef PORTAL_CLINUX_SHIM_H
#define PORTAL_CLINUX_SHIM_H
// Linux calls the Glibc Swift module does not export: epoll(7), eventfd(2), accept4(2), pthread_setname_np(3),
// syncfs(2), sync_file_range(2), copy_file_range(2).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(unsigned long thread, const char *name);
extern unsigned long pthread_self(void);
/// Commits the whole filesystem holding `fd` to disk (Storage's durable batches: one sync for many files).
extern int syncfs(int fd);
extern int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags);
/// Copies bytes between two files in the kernel (Storage: pixel data passed through unchanged).
extern long copy_file_range(int fd_in, __off64_t *off_in, int fd_out, __off64_t *off_out, unsigned long len,
                            unsigned int flags);

/// Names the calling thread in the kernel (`comm`: 15 bytes and a NUL; longer names are refused, so the
/// caller truncates).
static inline int portal_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }

/// Starts writing a file's dirty pages to disk without waiting (sync_file_range(2) with
/// SYNC_FILE_RANGE_WRITE, 2 in Linux's ABI): no durability by itself, but a later fsync or syncfs finds the
/// work done.
static inline int portal_start_writeback(int fd) { return sync_file_range(fd, 0, 0, 2); }

static inline int portal_accept_nonblocking(int fd) {
    return accept4(fd, (struct sockaddr *)0, (socklen_t *)0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static inline int portal_epoll_ctl(int epfd, int op, int fd, unsigned int events) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = 0;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}

/// Waits and copies ready descriptors and event masks into two plain arrays (epoll_event is packed).
static inline int portal_epoll_wait(int epfd, struct epoll_event *scratch, int *fds, unsigned int *masks,
                                    int max, int timeout) {
    int count = epoll_wait(epfd, scratch, max, timeout);
    for (int i = 0; i < count; i++) {
        fds[i] = scratch[i].data.fd;
        masks[i] = scratch[i].events;
    }
    return count;
}

static const unsigned int portal_EPOLLIN = EPOLLIN;
static const unsigned int portal_EPOLLOUT = EPOLLOUT;
static const unsigned int portal_EPOLLERR = EPOLLERR;
static const unsigned int portal_EPOLLHUP = EPOLLHUP;
static const unsigned int portal_EPOLLRDHUP = EPOLLRDHUP;
static const unsigned int portal_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;
static const unsigned int portal_EPOLLONESHOT = EPOLLONESHOT;
#endif
