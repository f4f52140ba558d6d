#include "TcpNoDelay.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>

namespace verpmail {

void disableNagleOnTcpSockets() noexcept
{
    DIR* fds = ::opendir("/proc/self/fd");
    if (fds == nullptr)
        return;
    const int own = ::dirfd(fds);
    while (const dirent* entry = ::readdir(fds)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == own)
            continue;
        int value = 0;
        socklen_t length = sizeof value;
        // Only TCP sockets answer TCP_NODELAY; anything else fails here and is skipped.
        if (::getsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &value, &length) != 0 || value != 0)
            continue;
        const int on = 1;
        (void)::setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    ::closedir(fds);
}

} // namespace verpmail
