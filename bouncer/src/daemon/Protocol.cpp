#include "Protocol.h"

#include <cstdio>

namespace verpmail::protocol {
namespace {

/// Takes one decimal size off the front of text: digits only, no leading zeros,
/// at most max. Strict on purpose: a lenient parser is a second, different protocol.
bool takeSize(std::string_view& text, std::size_t max, std::size_t& value)
{
    std::size_t i = 0;
    value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (i == 1 && text[0] == '0')
            return false;
        const auto digit = static_cast<std::size_t>(text[i] - '0');
        if (value > (max - digit) / 10)
            return false;
        value = value * 10 + digit;
        ++i;
    }
    if (i == 0)
        return false;
    text.remove_prefix(i);
    return true;
}

bool takeSpace(std::string_view& text)
{
    if (text.empty() || text.front() != ' ')
        return false;
    text.remove_prefix(1);
    return true;
}

bool isDigits(std::string_view text, std::size_t min, std::size_t max)
{
    if (text.size() < min || text.size() > max)
        return false;
    for (const char c : text)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace

bool parseRequestLine(std::string_view line, RequestHeader& header, const char** problem)
{
    const char* why = nullptr;
    std::size_t version = 0;
    if (line.size() > kMaxRequestLine)
        why = "request line too long";
    else if (line.substr(0, kRequestTag.size()) != kRequestTag)
        why = "not a VERPMAIL-RETURN request";
    else {
        line.remove_prefix(kRequestTag.size());
        if (!takeSpace(line) || !takeSize(line, 999, version))
            why = "no version";
        else if (version != kVersion)
            why = "unsupported version";
        else if (!takeSpace(line) || !takeSize(line, kMaxAddressBytes, header.senderBytes))
            why = "bad sender size";
        else if (!takeSpace(line) || !takeSize(line, kMaxAddressBytes, header.recipientBytes))
            why = "bad recipient size";
        else if (!takeSpace(line) || !takeSize(line, kMaxMessageBytes, header.messageBytes))
            why = "bad message size";
        else if (!line.empty())
            why = "trailing bytes after the sizes";
    }
    if (problem)
        *problem = why;
    return why == nullptr;
}

std::size_t formatRequestLine(const RequestHeader& header, char* buffer, std::size_t size)
{
    if (header.senderBytes > kMaxAddressBytes || header.recipientBytes > kMaxAddressBytes ||
        header.messageBytes > kMaxMessageBytes)
        return 0;
    const int n = std::snprintf(buffer, size, "%.*s %u %zu %zu %zu\n", static_cast<int>(kRequestTag.size()),
                                kRequestTag.data(), kVersion, header.senderBytes, header.recipientBytes,
                                header.messageBytes);
    if (n <= 0 || static_cast<std::size_t>(n) >= size)
        return 0;
    return static_cast<std::size_t>(n);
}

bool isTempfailStatus(std::string_view text)
{
    if (text.size() < 5 || text[0] != '4' || text[1] != '.')
        return false;
    text.remove_prefix(2);
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos || !isDigits(text.substr(0, dot), 1, 3))
        return false;
    text.remove_prefix(dot + 1);
    const std::size_t end = text.find(' ');
    return isDigits(text.substr(0, end), 1, 3);
}

Reply parseReply(std::string_view line)
{
    Reply reply;
    if (line.size() > kMaxReplyLine)
        return reply;
    constexpr std::string_view kOk = "OK ";
    constexpr std::string_view kTempFail = "TEMPFAIL ";
    if (line.substr(0, kOk.size()) == kOk && line.size() > kOk.size()) {
        reply.kind = ReplyKind::Ok;
        reply.text = line.substr(kOk.size());
    } else if (line.substr(0, kTempFail.size()) == kTempFail && isTempfailStatus(line.substr(kTempFail.size()))) {
        reply.kind = ReplyKind::TempFail;
        reply.text = line.substr(kTempFail.size());
    }
    return reply;
}

} // namespace verpmail::protocol
