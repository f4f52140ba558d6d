#include "lmtp/MessageData.h"

#include <algorithm>

namespace verpmail {
namespace {

constexpr std::size_t kPieceBytes = 8 * 1024;

void keep(IncomingMessage& message, std::string_view bytes, std::size_t maxBytes)
{
    message.totalBytes += bytes.size();
    if (message.data.size() < maxBytes)
        message.data.append(bytes.substr(0, maxBytes - message.data.size()));
}

} // namespace

std::string returnPathLine(std::string_view sender)
{
    return "Return-Path: <" + std::string(sender) + ">\n";
}

bool readMessageData(LineChannel& channel, std::size_t maxBytes, IncomingMessage& message)
{
    std::string piece;
    bool lineStart = true;
    for (;;) {
        const LineChannel::Piece kind = channel.read(piece, kPieceBytes);
        if (kind == LineChannel::Piece::End)
            return false;
        std::string_view bytes = piece;
        if (lineStart && !bytes.empty() && bytes.front() == '.') {
            if (kind == LineChannel::Piece::LineEnd && bytes.size() == 1)
                return true;
            bytes.remove_prefix(1);  // RFC 5321 section 4.5.2
        }
        keep(message, bytes, maxBytes);
        lineStart = kind == LineChannel::Piece::LineEnd;
        if (lineStart)
            keep(message, "\n", maxBytes);
    }
}

} // namespace verpmail
