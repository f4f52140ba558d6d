#include "lmtp/LineChannel.h"

#include <algorithm>
#include <cstring>

namespace verpmail {
namespace {

// Large enough that a DATA transfer takes few system calls, small enough to keep one
// per connection.
constexpr std::size_t kReceiveBytes = 16 * 1024;

// Outgoing bytes are sent once this many are queued even if more input is waiting.
constexpr std::size_t kFlushBytes = 16 * 1024;

} // namespace

LineChannel::LineChannel(ByteStream& stream) : _stream(stream), _in(kReceiveBytes) {}

LineChannel::Piece LineChannel::read(std::string& piece, std::size_t maxBytes)
{
    maxBytes = std::max<std::size_t>(maxBytes, 1);
    piece.clear();
    for (;;) {
        const std::size_t available = _end - _begin;
        // A piece of maxBytes may be followed by "\r\n": look that far for the line end.
        const std::size_t window = std::min(available, maxBytes + 2);
        const char* start = _in.data() + _begin;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', window));
        if (newline != nullptr) {
            std::size_t length = static_cast<std::size_t>(newline - start);
            const std::size_t consumed = length + 1;
            if (length > 0 && start[length - 1] == '\r')
                --length;
            if (length <= maxBytes) {
                piece.assign(start, length);
                _begin += consumed;
                return Piece::LineEnd;
            }
        }
        if (newline != nullptr || available >= maxBytes + 2) {
            // No line end within reach: the line is longer than maxBytes.
            piece.assign(start, maxBytes);
            _begin += maxBytes;
            return Piece::Partial;
        }
        if (!fill(maxBytes + 2))
            return Piece::End;
    }
}

LineChannel::Line LineChannel::readLine(std::string& line, std::size_t maxBytes)
{
    Piece piece = read(line, maxBytes);
    if (piece == Piece::LineEnd)
        return Line::Complete;
    if (piece == Piece::End)
        return Line::End;
    std::string rest;
    while ((piece = read(rest, kReceiveBytes)) == Piece::Partial) {
    }
    line.clear();
    return piece == Piece::End ? Line::End : Line::TooLong;
}

void LineChannel::write(std::string_view bytes)
{
    _out.append(bytes);
    if (_out.size() >= kFlushBytes)
        flush();
}

void LineChannel::flush()
{
    if (_out.empty())
        return;
    _stream.send(_out);
    _out.clear();
}

bool LineChannel::fill(std::size_t wanted)
{
    // Replies wait in _out only while more input is buffered; before blocking on the
    // peer, it must have every answer it is waiting for.
    flush();
    if (_begin > 0) {
        std::memmove(_in.data(), _in.data() + _begin, _end - _begin);
        _end -= _begin;
        _begin = 0;
    }
    if (_in.size() < wanted)
        _in.resize(wanted);
    const std::size_t got = _stream.receive(_in.data() + _end, _in.size() - _end);
    _end += got;
    return got > 0;
}

} // namespace verpmail
