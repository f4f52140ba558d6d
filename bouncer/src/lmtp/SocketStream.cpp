#include "lmtp/SocketStream.h"

#include <Poco/Exception.h>

namespace verpmail {

std::size_t SocketStream::receive(char* buffer, std::size_t size)
{
    if (_end != StreamEnd::None)
        return 0;
    try {
        const int got = _socket.receiveBytes(buffer, static_cast<int>(size));
        if (got > 0)
            return static_cast<std::size_t>(got);
        _end = StreamEnd::Closed;
    } catch (const Poco::TimeoutException&) {
        _end = StreamEnd::TimedOut;
    } catch (const Poco::IOException&) {
        // A reset connection (a Poco::Net::NetException) is the peer going away, as far
        // as the session cares.
        _end = StreamEnd::Closed;
    }
    return 0;
}

void SocketStream::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        const int sent = _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (sent <= 0)
            throw Poco::IOException("connection closed while sending");
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

} // namespace verpmail
