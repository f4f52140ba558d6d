// LineChannel: bounded line reading and buffered writing over a ByteStream.
//
// Every read is bounded: a line is handed over in pieces of at most maxBytes, so a
// peer that never sends a line end costs no more memory than one piece. Replies are
// buffered and sent when the session needs more input, so a pipelined batch of
// commands (RFC 2920) is answered in one write.
//
//   LineChannel channel(stream);
//   std::string line;
//   if (channel.readLine(line, 1000) == LineChannel::Line::Complete) ...
//   channel.write("250 2.0.0 Ok\r\n");   // sent before the next read blocks
#pragma once

#include "lmtp/ByteStream.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class LineChannel
{
public:
    explicit LineChannel(ByteStream& stream);

    enum class Piece
    {
        LineEnd,  ///< the piece ends its line (the line end itself is not in it)
        Partial,  ///< more of the same line follows
        End,      ///< no more input (an unfinished last line is dropped)
    };

    /// The next piece of the current line, at most maxBytes (>= 1), without its line
    /// end: "\n", or "\r\n" whose "\r" is dropped too. A lone "\r" is data.
    Piece read(std::string& piece, std::size_t maxBytes);

    enum class Line
    {
        Complete,  ///< `line` holds the whole line
        TooLong,   ///< the line was longer than maxBytes: read and dropped
        End,       ///< no more input
    };

    /// A whole line of at most maxBytes; a longer one is read to its end and dropped.
    Line readLine(std::string& line, std::size_t maxBytes);

    /// Queues bytes for the peer. @throws Poco::Exception (from flush) on a failed connection.
    void write(std::string_view bytes);

    /// Sends what is queued. @throws Poco::Exception when the connection fails.
    void flush();

    /// Why the input ended (StreamEnd::None while it has not).
    StreamEnd end() const { return _stream.end(); }

private:
    bool fill(std::size_t wanted);

    ByteStream& _stream;
    std::vector<char> _in;
    std::size_t _begin = 0;  ///< first unread byte in _in
    std::size_t _end = 0;    ///< one past the last received byte in _in
    std::string _out;
};

} // namespace verpmail
