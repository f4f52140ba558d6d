// ByteStream: where a session's bytes come from and go to.
//
// The LMTP and policy sessions read and write through this interface, so unit tests
// drive them with strings and the servers with a socket (SocketStream).
#pragma once

#include <cstddef>
#include <string_view>

namespace verpmail {

enum class StreamEnd
{
    None,      ///< still open
    Closed,    ///< the peer closed its side (or the server is stopping)
    TimedOut,  ///< nothing arrived within the idle time-out
};

class ByteStream
{
public:
    virtual ~ByteStream() = default;

    /// Reads up to `size` bytes into `buffer` and returns how many; 0 at the end of the
    /// input, with end() saying why.
    virtual std::size_t receive(char* buffer, std::size_t size) = 0;

    /// Sends all of `bytes`. @throws Poco::Exception when the connection fails.
    virtual void send(std::string_view bytes) = 0;

    /// Why receive() returned 0 (None before it did).
    virtual StreamEnd end() const = 0;
};

} // namespace verpmail
