#include "RequestReader.h"

#include "Protocol.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace verpmail {
namespace {

using Clock = std::chrono::steady_clock;

/// A read buffer over the socket that waits with poll() for each chunk, so one
/// deadline bounds the whole request however the client splits its writes.
class SocketInput
{
public:
    SocketInput(int fd, Clock::time_point deadline) : _fd(fd), _deadline(deadline) {}

    /// Makes at least one unread byte available. False at EOF, timeout or error.
    bool fill()
    {
        if (_begin < _end)
            return true;
        _begin = _end = 0;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(_deadline - Clock::now()).count();
            if (left <= 0) {
                _status = ReadStatus::Timeout;
                _problem = "no complete request within bouncer.readTimeout";
                return false;
            }
            pollfd p{_fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready < 0)
                return fail(errno);
            if (ready == 0)
                continue;  // re-check the deadline
            const ssize_t got = ::read(_fd, _buffer.data(), _buffer.size());
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got < 0)
                return fail(errno);
            if (got == 0) {
                _status = ReadStatus::Protocol;
                _problem = "connection closed before the end of the request";
                return false;
            }
            _end = static_cast<std::size_t>(got);
            return true;
        }
    }

    /// Reads the request line (without its LF), at most max bytes.
    bool line(std::string& out, std::size_t max)
    {
        while (fill()) {
            const char* from = _buffer.data() + _begin;
            const std::size_t n = _end - _begin;
            const void* lf = std::memchr(from, '\n', n);
            const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - from) : n;
            if (out.size() + take > max) {
                _status = ReadStatus::Protocol;
                _problem = "request line too long";
                return false;
            }
            out.append(from, take);
            _begin += take;
            if (lf) {
                ++_begin;
                return true;
            }
        }
        return false;
    }

    /// Reads exactly count bytes, appending the first keep of them to out.
    bool bytes(std::size_t count, std::string* out, std::size_t keep)
    {
        while (count > 0) {
            if (!fill())
                return false;
            const std::size_t n = std::min(count, _end - _begin);
            if (out && out->size() < keep)
                out->append(_buffer.data() + _begin, std::min(n, keep - out->size()));
            _begin += n;
            count -= n;
        }
        return true;
    }

    ReadStatus status() const { return _status; }
    const char* problem() const { return _problem; }
    int error() const { return _error; }

private:
    bool fail(int error)
    {
        _status = ReadStatus::Io;
        _problem = "read error";
        _error = error;
        return false;
    }

    int _fd;
    Clock::time_point _deadline;
    // Not value-initialised, as in BoundedInput: it is always written before it is read.
    std::array<char, 65536> _buffer;
    std::size_t _begin = 0;
    std::size_t _end = 0;
    ReadStatus _status = ReadStatus::Protocol;
    const char* _problem = "";
    int _error = 0;
};

} // namespace

ReadOutcome readRequest(int fd, std::size_t maxMessageBytes, Clock::time_point deadline)
{
    ReadOutcome outcome;
    SocketInput in(fd, deadline);
    std::string line;
    protocol::RequestHeader header;
    if (!in.line(line, protocol::kMaxRequestLine)) {
        outcome.status = in.status();
        outcome.problem = in.problem();
        outcome.error = in.error();
        return outcome;
    }
    if (!protocol::parseRequestLine(line, header, &outcome.problem)) {
        outcome.status = ReadStatus::Protocol;
        return outcome;
    }
    ReturnRequest& request = outcome.request;
    request.totalBytes = header.messageBytes;
    request.message.reserve(std::min(header.messageBytes, maxMessageBytes));
    if (!in.bytes(header.senderBytes, &request.sender, header.senderBytes) ||
        !in.bytes(header.recipientBytes, &request.recipient, header.recipientBytes) ||
        !in.bytes(header.messageBytes, &request.message, maxMessageBytes)) {
        outcome.status = in.status();
        outcome.problem = in.problem();
        outcome.error = in.error();
        return outcome;
    }
    outcome.status = ReadStatus::Ok;
    outcome.problem = "";
    return outcome;
}

} // namespace verpmail
