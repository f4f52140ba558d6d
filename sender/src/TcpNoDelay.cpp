// TcpNoDelay: turns off Nagle's algorithm on every TCP connection this program
// opens, by interposing connect(2).
//
// Why: libESMTP offers no way to set socket options, and with CHUNKING it writes a
// message as BDAT blocks of 2 KiB. The last, short block waits in the kernel for the
// ACK of the previous ones (Nagle) while the server waits for the whole chunk
// before it answers or ACKs (delayed ACK): about 40 ms lost per message, which
// capped a session at ~25 messages/s. With TCP_NODELAY the block leaves at once.
// The interposed symbol only adds the option after the real connect succeeds or is
// in progress; everything else is untouched (the MariaDB client benefits too).
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace {

// TCP sockets opened through connect() below, by descriptor.
constexpr int kTrackedFds = 4096;
std::atomic<bool> tcpFd[kTrackedFds];

} // namespace

extern "C" int connect(int fd, const struct sockaddr* address, socklen_t length)
{
    using ConnectFn = int (*)(int, const struct sockaddr*, socklen_t);
    static const auto realConnect = reinterpret_cast<ConnectFn>(dlsym(RTLD_NEXT, "connect"));
    if (realConnect == nullptr) {
        errno = ENOSYS;
        return -1;
    }
    const int rc = realConnect(fd, address, length);
    const int saved = errno;
    if (address != nullptr && (address->sa_family == AF_INET || address->sa_family == AF_INET6) &&
        (rc == 0 || errno == EINPROGRESS)) {
        int type = 0;
        socklen_t typeLength = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &typeLength) == 0 && type == SOCK_STREAM) {
            const int on = 1;
            (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            if (fd >= 0 && fd < kTrackedFds)
                tcpFd[fd] = true;
        }
    }
    errno = saved;
    return rc;
}

// The other half of the stall: the server pipelines its replies, and its last one
// waits (Nagle, on its side) for our ACK of the earlier ones, which the kernel
// delays by up to 40 ms because we have nothing to send. Quick-ACK mode is not
// sticky on Linux, so it is re-armed after every read from a tracked socket.
extern "C" ssize_t read(int fd, void* buffer, size_t count)
{
    using ReadFn = ssize_t (*)(int, void*, size_t);
    static const auto realRead = reinterpret_cast<ReadFn>(dlsym(RTLD_NEXT, "read"));
    const ssize_t got = realRead(fd, buffer, count);
    if (got > 0 && fd >= 0 && fd < kTrackedFds && tcpFd[fd]) {
        const int saved = errno;
        const int on = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
        errno = saved;
    }
    return got;
}

extern "C" int close(int fd)
{
    using CloseFn = int (*)(int);
    static const auto realClose = reinterpret_cast<CloseFn>(dlsym(RTLD_NEXT, "close"));
    if (fd >= 0 && fd < kTrackedFds)
        tcpFd[fd] = false;
    return realClose(fd);
}
