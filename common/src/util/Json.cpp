#include "verpmail/util/Json.h"

#include "verpmail/util/Swar.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// Writes the escape for one byte that is not copied as it is; returns its end.
char* writeEscape(char* dst, unsigned char c)
{
    static constexpr char kHex[] = "0123456789abcdef";
    auto put = [&dst](std::string_view s) {
        std::memcpy(dst, s.data(), s.size());
        return dst + s.size();
    };
    switch (c) {
    case '"': return put("\\\"");
    case '\\': return put("\\\\");
    case '\n': return put("\\n");
    case '\r': return put("\\r");
    case '\t': return put("\\t");
    default:
        if (c < 0x80) {
            const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            return put(std::string_view(escaped, sizeof escaped));
        }
        return put("\xEF\xBF\xBD");  // U+FFFD for a byte of invalid UTF-8
    }
}

#if defined(__SSE2__)
/// A mask of the bytes of the 16 at p that are not plain (bit i for p[i]): as signed
/// bytes, those under 0x20 are the control characters and all bytes >= 0x80.
inline unsigned notPlain16(const char* p)
{
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
    return static_cast<unsigned>(_mm_movemask_epi8(special));
}
#endif

} // namespace

char* writeJsonString(char* dst, std::string_view text)
{
    // Performance: most strings written (keys, addresses, statuses, paths, most
    // diagnostics) need no escape at all. Plain runs are copied 16 (or 8) bytes at
    // a time as they are tested, into room the caller made once: a byte at a time,
    // or appending to a string piece by piece, cost more than the rest of a line.
    // A copy may run past the plain bytes; what follows overwrites it, and the room
    // (jsonStringBound) covers it, as every byte left makes at least one.
    const char* s = text.data();
    const char* const end = s + text.size();
    // Since here the output has been the input as it is (no escape written since).
    const char* verbatim = s;
    *dst++ = '"';
    for (;;) {
#if defined(__SSE2__)
        while (end - s >= 16) {
            std::memcpy(dst, s, 16);
            const unsigned special = notPlain16(s);
            if (special != 0) {
                const auto run = static_cast<unsigned>(__builtin_ctz(special));
                s += run;
                dst += run;
                break;
            }
            s += 16;
            dst += 16;
        }
        // A tail under 16 bytes: when the text's last 16 were copied as they are up to
        // here, those 16 are tested and copied again as one block, not byte by byte.
        if (s != end && end - s < 16 && end - verbatim >= 16) {
            const char* const last = end - 16;
            const auto back = static_cast<unsigned>(s - last);
            if ((notPlain16(last) >> back) == 0) {
                std::memcpy(dst - back, last, 16);
                dst += end - s;
                break;
            }
        }
#endif
        while (end - s >= 8 && plainWord(s)) {
            std::memcpy(dst, s, 8);
            s += 8;
            dst += 8;
        }
        while (s < end && kPlain[static_cast<unsigned char>(*s)])
            *dst++ = *s++;
        if (s == end)
            break;
        const auto c = static_cast<unsigned char>(*s);
        if (c >= 0x80) {
            if (const std::size_t len = utf8Length(text, static_cast<std::size_t>(s - text.data()))) {
                // Copies of a size known when compiled: a few moves, not a call.
                if (len == 2)
                    std::memcpy(dst, s, 2);
                else if (len == 3)
                    std::memcpy(dst, s, 3);
                else
                    std::memcpy(dst, s, 4);
                s += len;
                dst += len;
                continue;
            }
        }
        dst = writeEscape(dst, c);
        verbatim = ++s;
    }
    *dst++ = '"';
    return dst;
}

void appendJsonString(std::string& out, std::string_view text)
{
    const std::size_t at = out.size();
    out.resize(at + jsonStringBound(text.size()));
    char* const begin = &out[0];
    out.resize(static_cast<std::size_t>(writeJsonString(begin + at, text) - begin));
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
