/*
 * fdtrace: finds code that closes or writes to a file descriptor it no longer owns.
 *
 * The tests run in parallel in one process, so a descriptor closed twice closes whatever another test
 * opened under that number since, and that test then fails far from the cause (EBADF on a pipe, stray
 * bytes in a child's output). Preloaded into the test process, this library remembers who closed each
 * descriptor number last and, on a double close, a read or write that fails with EBADF, or an event
 * loop's 8-byte wake-up written to something that is not an eventfd, prints the call stack of now and of
 * the last two closes of that number (lines starting with FDTRACE, on stderr). It only acts in a process
 * whose executable name contains "PackageTests" and otherwise passes every call through.
 *
 *   gcc -O1 -g -shared -fPIC -o /tmp/fdtrace.so scripts/fdtrace/fdtrace.c -ldl -lpthread
 *   swift build --build-tests
 *   LD_PRELOAD=/tmp/fdtrace.so swift test --skip-build 2>&1 | grep -A40 'FDTRACE ====='
 *
 * Frames print as library+offset; `addr2line -f -C -e .build/debug/portalPackageTests.xctest OFFSET |
 * swift demangle` names the test binary's. Found the double close behind session 2's intermittent
 * full-suite failure (EventLoopTests closing a socket in its body and again in a defer).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#define MAXFD 4096
#define DEPTH 40
struct rec { void *frames[DEPTH]; int n; long tid; int valid; };
static struct rec lastClose[MAXFD];
static struct rec prevClose[MAXFD];
static int active = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int (*real_close)(int);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);

static int isActive(void) {
    if (active >= 0) return active;
    char buf[256] = {0};
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    active = (n > 0 && strstr(buf, "PackageTests") != NULL);
    return active;
}

static void dumpRec(const char *what, int fd, struct rec *r) {
    char line[128];
    int len = snprintf(line, sizeof line, "FDTRACE %s fd=%d tid=%ld frames=%d\n", what, fd, r->tid, r->n);
    syscall(SYS_write, 2, line, len);
    for (int i = 0; i < r->n; i++) {
        Dl_info info; memset(&info, 0, sizeof info);
        dladdr(r->frames[i], &info);
        len = snprintf(line, sizeof line, "FDTRACE   #%d %p %s+0x%lx\n", i, r->frames[i],
                       info.dli_fname ? strrchr(info.dli_fname, '/') + 1 : "?",
                       info.dli_fbase ? (unsigned long)((char *)r->frames[i] - (char *)info.dli_fbase) : 0UL);
        syscall(SYS_write, 2, line, len);
    }
}

static void record(int fd) {
    if (fd < 0 || fd >= MAXFD) return;
    struct rec r; r.n = backtrace(r.frames, DEPTH); r.tid = syscall(SYS_gettid); r.valid = 1;
    pthread_mutex_lock(&lock);
    prevClose[fd] = lastClose[fd];
    lastClose[fd] = r;
    pthread_mutex_unlock(&lock);
}

static void report(const char *what, int fd) {
    if (fd < 0 || fd >= MAXFD) return;
    pthread_mutex_lock(&lock);
    struct rec a = lastClose[fd], b = prevClose[fd];
    pthread_mutex_unlock(&lock);
    char line[128];
    int len = snprintf(line, sizeof line, "FDTRACE ===== %s on fd %d\n", what, fd);
    syscall(SYS_write, 2, line, len);
    struct rec now; now.n = backtrace(now.frames, DEPTH); now.tid = syscall(SYS_gettid);
    dumpRec("now", fd, &now);
    if (a.valid) dumpRec("lastClose", fd, &a);
    if (b.valid) dumpRec("prevClose", fd, &b);
}

int close(int fd) {
    if (!real_close) real_close = dlsym(RTLD_NEXT, "close");
    if (!isActive()) return real_close(fd);
    int rc = real_close(fd);
    int saved = errno;
    if (rc == 0) record(fd);
    else if (saved == EBADF) report("close EBADF (double close)", fd);
    errno = saved;
    return rc;
}

ssize_t read(int fd, void *buf, size_t n) {
    if (!real_read) real_read = dlsym(RTLD_NEXT, "read");
    ssize_t rc = real_read(fd, buf, n);
    if (rc < 0 && errno == EBADF && isActive()) { int s = errno; report("read EBADF", fd); errno = s; }
    return rc;
}

ssize_t write(int fd, const void *buf, size_t n) {
    if (!real_write) real_write = dlsym(RTLD_NEXT, "write");
    if (n == 8 && isActive() && *(const uint64_t *)buf == 1) {
        char path[64], target[128] = {0};
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t l = readlink(path, target, sizeof target - 1);
        if (l > 0 && strstr(target, "eventfd") == NULL) report("8-byte wake write to non-eventfd", fd);
    }
    ssize_t rc = real_write(fd, buf, n);
    if (rc < 0 && errno == EBADF && isActive()) { int s = errno; report("write EBADF", fd); errno = s; }
    return rc;
}
