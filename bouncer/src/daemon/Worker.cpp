#include "Worker.h"

#include "Protocol.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/util/Printable.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace verpmail {
namespace {

/// Closes the accepted connection however serve() ends.
class Connection
{
public:
    explicit Connection(int fd) : _fd(fd) {}
    ~Connection() { ::close(_fd); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    int fd() const { return _fd; }

private:
    int _fd;
};

/// "pid/uid" of the client, for the log (SO_PEERCRED: the kernel's word, not the client's).
std::string peerOf(int fd)
{
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0)
        return "unknown";
    return std::to_string(peer.pid) + "/" + std::to_string(peer.uid);
}

/// Sends the reply. The socket buffer always has room for one short line; a client
/// that has gone (it timed out) is only worth a log line: Postfix retries the return
/// and the dedup key makes the retry count once.
bool sendReply(int fd, const std::string& line)
{
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string tempfailLine(const std::string& dsnAndText)
{
    return "TEMPFAIL " + printable(dsnAndText, protocol::kMaxReplyLine - 16) + "\n";
}

} // namespace

Worker::Worker(unsigned id, const WorkerSetup& setup, Poco::Logger& log)
    : _id(id), _setup(setup), _log(log),
      _processor(VerpCodec(setup.verp), setup.mysql, setup.maxMessageBytes, setup.incident, log)
{
}

void Worker::run() noexcept
{
    pollfd wait[2] = {{_setup.stopFd, POLLIN, 0}, {_setup.listenFd, POLLIN, 0}};
    for (;;) {
        wait[0].revents = wait[1].revents = 0;
        if (::poll(wait, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            _log.critical("worker=%u status=stopped reason=\"poll: %s\"", _id, std::string(std::strerror(errno)));
            return;
        }
        if (wait[0].revents != 0)
            return;
        if ((wait[1].revents & POLLIN) == 0)
            continue;
        // Every idle worker wakes for a new connection; one wins, the others get EAGAIN.
        const int connection = ::accept4(_setup.listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
                _log.error("worker=%u status=accept-failed reason=\"%s\"", _id, std::string(std::strerror(errno)));
                // EMFILE and friends: do not spin on a socket that stays readable.
                ::usleep(100 * 1000);
            }
            continue;
        }
        try {
            serve(connection);
        } catch (const std::exception& e) {
            // serve() answers every error itself; this is out of memory or worse.
            _log.critical("worker=%u status=error reason=\"%s\"", _id, printable(e.what(), 300));
        }
    }
}

void Worker::serve(int fd)
{
    const Connection connection(fd);
    const std::string client = peerOf(fd);
    const auto deadline = std::chrono::steady_clock::now() + _setup.readTimeout;
    ReadOutcome got = readRequest(fd, _setup.maxMessageBytes, deadline);
    if (got.status != ReadStatus::Ok) {
        std::string reason = got.problem;
        if (got.error != 0)
            reason += std::string(": ") + std::strerror(got.error);
        _log.warning("worker=%u client=%s status=rejected reason=\"protocol error: %s\"", _id, client, reason);
        sendReply(fd, "TEMPFAIL " + std::string(protocol::kProtocolError) + "\n");
        return;
    }
    const std::string recipient = got.request.recipient;
    const std::string reply = record(std::move(got.request), client);
    if (!sendReply(fd, reply))
        _log.warning("worker=%u client=%s recipient=<%s> status=unanswered reply=\"%s\" "
                     "reason=\"the client left before the reply; Postfix retries, a duplicate counts once\"",
                     _id, client, printable(recipient, 120), printable(reply, 200));
}

std::string Worker::record(ReturnRequest request, const std::string& client)
{
    IncomingMessage message;
    message.data = std::move(request.message);
    message.totalBytes = request.totalBytes;
    message.sender = std::move(request.sender);
    message.recipient = request.recipient;
    message.source = "worker=" + std::to_string(_id);

    std::string failure;
    try {
        ProcessOutcome outcome;
        const bool reused = _processor.connected();
        try {
            outcome = _processor.process(message);
        } catch (const MysqlError& e) {
            // Nothing was committed (the transaction rolled back), so trying again is
            // safe; only worth it when the connection was an old one.
            if (!reused || !e.isTransient())
                throw;
            _log.warning("worker=%u status=reconnect reason=\"%s\"", _id, printable(e.what(), 300));
            outcome = _processor.process(message);
        }
        switch (outcome) {
        case ProcessOutcome::Recorded: return "OK recorded\n";
        case ProcessOutcome::Duplicate: return "OK duplicate\n";
        case ProcessOutcome::Unattributed: return "OK unattributed\n";
        }
        failure = "4.3.0 verpmail-bouncerd internal error: unknown outcome";
    } catch (const ConfigError& e) {
        failure = std::string("4.3.5 verpmail-bouncerd configuration error: ") + e.what();
    } catch (const MysqlError& e) {
        failure = "4.3.0 verpmail-bouncerd database unavailable: " + e.describe();
    } catch (const std::exception& e) {
        failure = std::string("4.3.0 verpmail-bouncerd internal error: ") + e.what();
    }
    const std::string reply = tempfailLine(failure);
    _log.error("worker=%u client=%s recipient=<%s> status=deferred reason=\"%s\"", _id, client,
               printable(request.recipient, 120), printable(failure, 300));
    return reply;
}

} // namespace verpmail
