#include "DaemonClient.h"

#include "../daemon/Protocol.h"
#include "PipeContract.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace verpmail::front {
namespace {

/// Writes every iovec; false with errno set when the connection breaks.
bool writeAll(int fd, iovec* parts, int count)
{
    while (count > 0) {
        const ssize_t n = ::writev(fd, parts, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        auto left = static_cast<std::size_t>(n);
        while (count > 0 && left >= parts->iov_len) {
            left -= parts->iov_len;
            ++parts;
            --count;
        }
        if (count > 0) {
            parts->iov_base = static_cast<char*>(parts->iov_base) + left;
            parts->iov_len -= left;
        }
    }
    return true;
}

} // namespace

DaemonConnection::~DaemonConnection()
{
    if (_fd >= 0)
        ::close(_fd);
}

DaemonConnection::Outcome DaemonConnection::connect(const char* path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::strlen(path) >= sizeof address.sun_path) {
        _error = ENAMETOOLONG;
        return Outcome::Failed;
    }
    std::strcpy(address.sun_path, path);
    _fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (_fd < 0) {
        _error = errno;
        return Outcome::Failed;
    }
    while (::connect(_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        if (errno == EINTR)
            continue;
        _error = errno;
        // A stopped daemon leaves no socket (ENOENT) or a dead one (ECONNREFUSED).
        // Permission problems are not "not running": they are a mistake to show.
        return (_error == ENOENT || _error == ECONNREFUSED) ? Outcome::NotRunning : Outcome::Failed;
    }
    return Outcome::Connected;
}

int DaemonConnection::deliver(std::string_view sender, std::string_view recipient, const MessageInput& message)
{
    protocol::RequestHeader header;
    header.senderBytes = sender.size();
    header.recipientBytes = recipient.size();
    header.messageBytes = message.size;
    char line[protocol::kMaxRequestLine + 1];
    const std::size_t lineLength = protocol::formatRequestLine(header, line, sizeof line);
    if (lineLength == 0)
        return tempfail("4.3.5 verpmail-bouncer usage error: ", "SENDER or RECIPIENT longer than 4096 bytes");

    iovec parts[4] = {{line, lineLength},
                      {const_cast<char*>(sender.data()), sender.size()},
                      {const_cast<char*>(recipient.data()), recipient.size()},
                      {message.data, message.size}};
    // A daemon that refuses the request answers before it has read it all: a failed
    // write is not the end, the answer may be waiting.
    const bool sent = writeAll(_fd, parts, 4);
    const int sendError = sent ? 0 : errno;

    char reply[protocol::kMaxReplyLine + 1];
    std::size_t n = 0;
    for (;;) {
        const ssize_t got = ::read(_fd, reply + n, sizeof reply - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return daemonUnavailable(sent ? "connection lost while waiting for the reply" : "connection lost while sending",
                                     sent ? errno : sendError);
        if (got == 0)
            return daemonUnavailable(sent ? "connection closed without a reply" : "connection lost while sending",
                                     sent ? 0 : sendError);
        const void* lf = std::memchr(reply + n, '\n', static_cast<std::size_t>(got));
        n += static_cast<std::size_t>(got);
        if (lf) {
            n = static_cast<std::size_t>(static_cast<const char*>(lf) - reply);
            break;
        }
        if (n == sizeof reply)
            return daemonUnavailable("reply line too long");
    }

    const protocol::Reply answer = protocol::parseReply(std::string_view(reply, n));
    switch (answer.kind) {
    case protocol::ReplyKind::Ok: return kOk;
    case protocol::ReplyKind::TempFail: return tempfail("", answer.text);
    case protocol::ReplyKind::Invalid: break;
    }
    return daemonUnavailable("unexpected reply");
}

} // namespace verpmail::front
