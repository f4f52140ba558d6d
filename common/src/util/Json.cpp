#include "verpmail/util/Json.h"

#include "verpmail/util/Swar.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace verpmail {

namespace {

/// Bytes that are copied as they are: printable ASCII but '"' and '\\'. Everything
/// else (control characters, DEL, and bytes >= 0x80 that start a UTF-8 sequence or
/// are invalid) needs a look of its own.
constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7f; ++c)
        plain[c] = c != '"' && c != '\\';
    return plain;
}();

/// Whether all eight bytes at p are plain, tested at once (SWAR): diagnostics are
/// mostly long plain runs, and a byte at a time cost ~10 instructions each.
inline bool plainWord(const char* p)
{
    const std::uint64_t x = swar::load8(p);
    // Any byte with its high bit set, a control character, '"', '\\' or DEL.
    return ((x & swar::kHigh) | swar::bytesBelow(x, 0x20) | swar::bytesEqual(x, '"') | swar::bytesEqual(x, '\\') |
            swar::bytesEqual(x, 0x7f)) == 0;
}

/// The length of the UTF-8 sequence starting at text[i], or 0 if the lead byte or a
/// continuation byte is wrong or the text ends inside it.
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

/// Appends the escape for one byte that is not copied as it is.
void appendEscape(std::string& out, unsigned char c)
{
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
        if (c < 0x80) {
            const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            out.append(escaped, sizeof escaped);
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD for a byte of invalid UTF-8
        }
    }
}

} // namespace

void appendJsonString(std::string& out, std::string_view text)
{
    // Performance: most strings written (keys, addresses, statuses, paths, most
    // diagnostics) need no escape at all. They are told apart first, eight bytes
    // at a time, and then copied with their quotes in one step; only a string with
    // something to escape takes the loop below, from its first such byte.
    std::size_t i = 0;
    while (text.size() - i >= 8 && plainWord(text.data() + i))
        i += 8;
    while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])])
        ++i;
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    if (i == text.size()) {
        out.append(text.data(), text.size());
        out += '"';
        return;
    }
    std::size_t run = 0;  // start of the bytes not yet appended
    while (i < text.size()) {
        if (text.size() - i >= 8 && plainWord(text.data() + i)) {
            i += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (kPlain[c]) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const std::size_t len = utf8Length(text, i)) {
                i += len;
                continue;
            }
        }
        out.append(text.data() + run, i - run);
        appendEscape(out, c);
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
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

JsonWriter& JsonWriter::beginObject()
{
    separate();
    *_out += '{';
    _first.push_back('1');
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    *_out += '}';
    _first.pop_back();
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    *_out += '[';
    _first.push_back('1');
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    *_out += ']';
    _first.pop_back();
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

JsonWriter& JsonWriter::value(std::int64_t number)
{
    separate();
    *_out += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    separate();
    if (!std::isfinite(number)) {
        *_out += "null";
        return *this;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", number);
    *_out += buffer;
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    separate();
    *_out += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separate();
    *_out += "null";
    return *this;
}

} // namespace verpmail
