#include "verpmail/util/Json.h"

#include <cmath>
#include <cstdio>

namespace verpmail {

namespace {

/// The length of the valid UTF-8 sequence starting at text[i], or 0 if the lead byte
/// or a continuation byte is wrong or the text ends inside it.
std::size_t utf8Length(std::string_view text, std::size_t i)
{
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 0;
    return len;
}

} // namespace

void appendJsonString(std::string& out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < text.size();)
    {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80)
        {
            // Valid UTF-8 as it is; each byte of anything else becomes U+FFFD.
            const std::size_t len = utf8Length(text, i);
            out.append(len != 0 ? text.substr(i, len) : std::string_view("\xEF\xBF\xBD"));
            i += len != 0 ? len : 1;
            continue;
        }
        if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f)
        {
            const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            out.append(escaped, sizeof escaped);
        }
        else
            out += static_cast<char>(c);
        ++i;
    }
    out += '"';
}

void JsonWriter::separate()
{
    if (_afterKey) {
        _afterKey = false;
        return;
    }
    if (!_first.empty()) {
        if (_first.back() == '0')
            *_out += ',';
        _first.back() = '0';
    }
}

JsonWriter& JsonWriter::open(char bracket)
{
    separate();
    *_out += bracket;
    _first.push_back('1');
    return *this;
}

JsonWriter& JsonWriter::close(char bracket)
{
    *_out += bracket;
    _first.pop_back();
    return *this;
}

JsonWriter& JsonWriter::literal(std::string_view text)
{
    separate();
    *_out += text;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    separate();
    appendJsonString(*_out, name);
    *_out += ':';
    _afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    separate();
    appendJsonString(*_out, text);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", number);
    return literal(buffer);
}

} // namespace verpmail
