#include "TransferEncoding.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace verpmail::mime {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kQpLine = 76;      // RFC 2045 6.7 rule 5, without CRLF
constexpr std::size_t kBase64Line = 76;  // RFC 2045 6.8

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')  // lower case is not canonical, but senders write it
        return c - 'a' + 10;
    return -1;
}

std::array<signed char, 256> base64Table()
{
    std::array<signed char, 256> table{};
    table.fill(-1);
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kBase64[i])] = static_cast<signed char>(i);
    return table;
}

void appendBase64Group(std::string& out, const unsigned char* p, std::size_t n)
{
    const unsigned v = (unsigned(p[0]) << 16) | (n > 1 ? unsigned(p[1]) << 8 : 0u) | (n > 2 ? unsigned(p[2]) : 0u);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += n > 1 ? kBase64[(v >> 6) & 63] : '=';
    out += n > 2 ? kBase64[v & 63] : '=';
}

} // namespace

void appendQuotedPrintable(std::string& out, std::string_view text)
{
    // Written through a pointer into room for the worst case (every byte "=XX" plus a soft
    // break per 25 bytes fits in 4 per byte): this loop is the hot path of compose().
    const std::size_t start = out.size();
    out.resize(start + text.size() * 4 + 16);
    char* p = &out[start];
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        const bool hardBreak = end != std::string_view::npos;
        if (!hardBreak)
            end = text.size();
        const std::size_t lineEnd = hardBreak && end > pos && text[end - 1] == '\r' ? end - 1 : end;
        const char* lineStart = p;
        for (std::size_t i = pos; i < lineEnd; ++i) {
            const unsigned char c = static_cast<unsigned char>(text[i]);
            const bool lastOnLine = i + 1 == lineEnd;
            // Blanks are literal except at a line end, where transports may strip them (rule 3).
            const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lastOnLine);
            const std::size_t width = literal ? 1 : 3;
            // The last character may reach column 76; any other must leave room for the soft break's '='.
            if (static_cast<std::size_t>(p - lineStart) + width + (lastOnLine ? 0 : 1) > kQpLine) {
                *p++ = '=';
                *p++ = '\r';
                *p++ = '\n';
                lineStart = p;
            }
            if (literal) {
                *p++ = static_cast<char>(c);
            } else {
                *p++ = '=';
                *p++ = kUpperHex[c >> 4];
                *p++ = kUpperHex[c & 15];
            }
        }
        if (hardBreak) {
            *p++ = '\r';
            *p++ = '\n';
        }
        pos = end + 1;
    }
    out.resize(static_cast<std::size_t>(p - out.data()));
}

void appendBase64Lines(std::string& out, std::string_view bytes)
{
    constexpr std::size_t kBytesPerLine = kBase64Line / 4 * 3;
    out.reserve(out.size() + bytes.size() * 4 / 3 + bytes.size() / kBytesPerLine * 2 + 4);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        if (i > 0 && i % kBytesPerLine == 0)
            out += "\r\n";
        appendBase64Group(out, p + i, std::min<std::size_t>(3, bytes.size() - i));
    }
}

std::string base64(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (std::size_t i = 0; i < bytes.size(); i += 3)
        appendBase64Group(out, p + i, std::min<std::size_t>(3, bytes.size() - i));
    return out;
}

std::string decodeQuotedPrintable(std::string_view body)
{
    std::string out;
    out.reserve(body.size());
    std::size_t pos = 0;
    for (;;) {
        const std::size_t eol = body.find('\n', pos);
        const bool hasBreak = eol != std::string_view::npos;
        std::string_view line = body.substr(pos, hasBreak ? eol - pos : std::string_view::npos);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        // Trailing blanks were added in transit, never by the encoder (rule 3).
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        const bool soft = !line.empty() && line.back() == '=';
        if (soft)
            line.remove_suffix(1);
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '=' && i + 2 < line.size()) {
                const int hi = hexValue(line[i + 1]);
                const int lo = hexValue(line[i + 2]);
                if (hi >= 0 && lo >= 0) {
                    out += static_cast<char>(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out += line[i];  // a malformed '=' is kept (RFC 2045 6.7, note 2)
        }
        if (!hasBreak)
            break;
        if (!soft)
            out += "\r\n";
        pos = eol + 1;
    }
    return out;
}

std::optional<std::string> decodeBase64(std::string_view body)
{
    static const std::array<signed char, 256> kTable = base64Table();
    std::string out;
    out.reserve(body.size() / 4 * 3);
    unsigned bits = 0;
    int count = 0;
    std::size_t i = 0;
    for (; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
            continue;
        if (c == '=')
            break;
        const signed char v = kTable[static_cast<unsigned char>(c)];
        if (v < 0)
            return std::nullopt;
        bits = (bits << 6) | unsigned(v);
        if (++count == 4) {
            out += static_cast<char>((bits >> 16) & 0xff);
            out += static_cast<char>((bits >> 8) & 0xff);
            out += static_cast<char>(bits & 0xff);
            bits = 0;
            count = 0;
        }
    }
    // After the padding only more padding and whitespace may follow.
    for (; i < body.size(); ++i)
        if (std::strchr("=\r\n \t", body[i]) == nullptr)
            return std::nullopt;
    if (count == 1)
        return std::nullopt;  // six bits cannot make a byte
    if (count == 2)
        out += static_cast<char>((bits >> 4) & 0xff);
    if (count == 3) {
        out += static_cast<char>((bits >> 10) & 0xff);
        out += static_cast<char>((bits >> 2) & 0xff);
    }
    return out;
}


bool hasEightBit(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::size_t longestLine(std::string_view text)
{
    std::size_t longest = 0;
    std::size_t current = 0;
    for (const char c : text) {
        if (c == '\n') {
            longest = std::max(longest, current);
            current = 0;
        } else if (c != '\r') {
            ++current;
        }
    }
    return std::max(longest, current);
}

} // namespace verpmail::mime
