// SocketStream: a ByteStream over a connected Poco::Net::StreamSocket.
#pragma once

#include "lmtp/ByteStream.h"

#include <Poco/Net/StreamSocket.h>

namespace verpmail {

class SocketStream : public ByteStream
{
public:
    /// The socket's receive time-out (set by the server) is the session's idle time-out.
    explicit SocketStream(Poco::Net::StreamSocket& socket) : _socket(socket) {}

    std::size_t receive(char* buffer, std::size_t size) override;
    void send(std::string_view bytes) override;
    StreamEnd end() const override { return _end; }

private:
    Poco::Net::StreamSocket& _socket;
    StreamEnd _end = StreamEnd::None;
};

} // namespace verpmail
