// Encodings: see the header. Hand-written decoders rather than Poco's streams: those
// throw from inside the stream buffer on bad data, which costs an exception per
// damaged part and leaked the partly built string under libFuzzer.
#include "verpmail/bounce/Encodings.h"

#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace verpmail::bounce {

namespace {

// The digit value of each byte, -1 for a byte that is not a digit: base64 ('-' and
// '_' too: the URL-safe alphabet, seen from web mailers) and hex (quoted-printable).
// Tables: these run once per encoded byte of whole parts.
struct DigitValues
{
    signed char base64[256];
    signed char hex[256];
    constexpr DigitValues() : base64(), hex()
    {
        for (int c = 0; c < 256; ++c)
            base64[c] = hex[c] = -1;
        for (int c = 0; c < 26; ++c)
        {
            base64['A' + c] = static_cast<signed char>(c);
            base64['a' + c] = static_cast<signed char>(c + 26);
        }
        for (int c = 0; c < 10; ++c)
        {
            base64['0' + c] = static_cast<signed char>(c + 52);
            hex['0' + c] = static_cast<signed char>(c);
        }
        for (int c = 0; c < 6; ++c)
            hex['a' + c] = hex['A' + c] = static_cast<signed char>(c + 10);
        base64[static_cast<unsigned char>('+')] = base64[static_cast<unsigned char>('-')] = 62;
        base64[static_cast<unsigned char>('/')] = base64[static_cast<unsigned char>('_')] = 63;
    }
};
constexpr DigitValues kDigit;

// U+FFFD REPLACEMENT CHARACTER, for a byte a charset does not allow.
constexpr std::string_view kReplacement = "\xef\xbf\xbd";
// What every ISO-2022-JP label is converted as.
constexpr std::string_view kIso2022Jp = "ISO-2022-JP-2";

// Copies the count bytes at from to to, where from has at least `readable` bytes and
// to room for as many (to does not overlap from). Performance: the runs between
// quoted-printable escapes are mostly short (the text between two "=20" or up to a
// soft line break: at most a 76-byte line), and memcpy's call and its branches on the
// length cost more than the copy; a run of up to 64 bytes is copied as 64 (or 16 as
// 16) at once when that many may be read and written: the bytes past the run are
// written over later or lie past the output's end.
inline void copyRun(char* to, const char* from, std::size_t count, std::size_t readable)
{
#if defined(__SSE2__)
    const auto copy16 = [&](std::size_t offset) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(to + offset),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + offset)));
    };
    if (count <= 64 && readable >= 64)
    {
        copy16(0);
        copy16(16);
        copy16(32);
        copy16(48);
        return;
    }
    if (count <= 16 && readable >= 16)
    {
        copy16(0);
        return;
    }
#else
    (void)readable;
#endif
    std::memcpy(to, from, count);
}

int hexValue(char c)
{
    return kDigit.hex[static_cast<unsigned char>(c)];
}

// Room to decode into that is not filled first: std::string(n, '\0') fills it a byte
// at a time (libstdc++'s out-of-line fill), which cost more than the decoding.
std::unique_ptr<char[]> uninitialised(std::size_t n)
{
    return std::unique_ptr<char[]>(new char[n]);
}

// Charsets that need no conversion for our purposes (phrase matching is ASCII or UTF-8).
bool isUtf8Compatible(std::string_view charset)
{
    return charset.empty() || iequals(charset, "utf-8") || iequals(charset, "utf8") ||
           iequals(charset, "us-ascii") || iequals(charset, "ascii");
}

// A charset name from untrusted mail: only what real names are made of.
bool isPlausibleCharsetName(std::string_view name)
{
    if (name.empty() || name.size() > 40)
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':'))
            return false;
    return true;
}

// Charsets whose first 128 code points are ASCII and that shift only with ISO 2022
// escapes: text of 7-bit bytes without ESC, SO or SI reads the same in them as in UTF-8.
bool isAsciiSuperset(std::string_view iconvName)
{
    return istartsWith(iconvName, "iso-8859-") || istartsWith(iconvName, "windows-125") ||
           istartsWith(iconvName, "cp125") || istartsWith(iconvName, "iso-2022-jp");
}

bool isPlainAscii(std::string_view text)
{
    // Eight bytes at a time for the high bits (whole parts pass through here).
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8)
    {
        if (swar::load8(text.data() + i) & swar::kHigh)
            return false;
    }
    for (; i < text.size(); ++i)
        if (static_cast<unsigned char>(text[i]) >= 0x80)
            return false;
    // One memchr per shift byte: find_first_of would compare each byte with all three.
    for (const char shift : {'\x1b', '\x0e', '\x0f'})
        if (text.find(shift) != std::string_view::npos)
            return false;
    return true;
}

bool hasIso2022Escape(std::string_view text)
{
    // ESC $ B / ESC $ @ (JIS X 0208) switch ISO-2022-JP into two-byte mode.
    for (std::size_t at = text.find('\x1b'); at != std::string_view::npos && at + 2 < text.size();
         at = text.find('\x1b', at + 1))
        if (text[at + 1] == '$' && (text[at + 2] == 'B' || text[at + 2] == '@'))
            return true;
    return false;
}

// Single-byte charsets whose iconv modules convert each byte on its own. (glibc's
// CP1255 and CP1258 are left out: they hold a letter back to combine it with a
// following accent.)
bool isSingleByteFamily(std::string_view iconvName)
{
    if (istartsWith(iconvName, "iso-8859-") || istartsWith(iconvName, "koi8-"))
        return true;
    const bool windows = istartsWith(iconvName, "windows-125") || istartsWith(iconvName, "cp125");
    const std::string_view number = iconvName.substr(iconvName.size() >= 4 ? iconvName.size() - 4 : 0);
    return windows && number != "1255" && number != "1258";
}

// What iconv makes of each byte 0x80-0xFF of a single-byte charset, in UTF-8
// (U+FFFD for a byte the charset leaves undefined, as convert marks it).
struct HighHalf
{
    static constexpr std::size_t kMaxUtf8 = 4;
    char utf8[128][kMaxUtf8];
    unsigned char size[128];
    std::size_t longest = 1;   ///< of the sizes, and of an ASCII byte
};

// The HighHalf of cd's charset, after checking that it is one: ASCII comes out as it
// goes in, and every other byte converts alone or is refused alone (EILSEQ); null
// otherwise. cd is left in its initial state.
std::unique_ptr<HighHalf> probeHighHalf(iconv_t cd)
{
    char ascii[128];
    for (int c = 0; c < 128; ++c)
        ascii[c] = static_cast<char>(c);
    char converted[128 * HighHalf::kMaxUtf8];
    char* in = ascii;
    std::size_t inLeft = sizeof ascii;
    char* out = converted;
    std::size_t outLeft = sizeof converted;
    if (iconv(cd, &in, &inLeft, &out, &outLeft) == static_cast<std::size_t>(-1) || outLeft != sizeof converted - 128 ||
        std::memcmp(ascii, converted, 128) != 0)
        return nullptr;
    auto high = std::make_unique<HighHalf>();
    for (int c = 0; c < 128; ++c)
    {
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        char byte = static_cast<char>(0x80 + c);
        in = &byte;
        inLeft = 1;
        out = high->utf8[c];
        outLeft = HighHalf::kMaxUtf8;
        if (iconv(cd, &in, &inLeft, &out, &outLeft) != static_cast<std::size_t>(-1))
            high->size[c] = static_cast<unsigned char>(HighHalf::kMaxUtf8 - outLeft);   // (E2BIG: refused)
        else if (errno == EILSEQ)
        {
            std::memcpy(high->utf8[c], kReplacement.data(), kReplacement.size());
            high->size[c] = static_cast<unsigned char>(kReplacement.size());
        }
        else
            return nullptr;
        high->longest = std::max<std::size_t>(high->longest, high->size[c]);
    }
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
    return high;
}

// Performance: iconv_open costs more than converting a typical part, so each thread
// keeps the converters it opened last (returns use one or two charsets, and the
// daemon parses on several threads). A name iconv does not know is kept as well.
// A single-byte charset also keeps what each of its upper 128 bytes becomes: iconv
// converts a byte at a time through UCS-4, many times the cost of a table lookup.
class ConverterCache
{
public:
    struct Converter
    {
        iconv_t cd;                     ///< (iconv_t)-1 when iconv does not know the name
        const HighHalf* highHalf;       ///< a single-byte charset's table, else null
    };

    ConverterCache() = default;
    ConverterCache(const ConverterCache&) = delete;
    ConverterCache& operator=(const ConverterCache&) = delete;
    ~ConverterCache()
    {
        for (const Entry& e : _entries)
            close(e.cd);
    }

    /// A converter from `from` to UTF-8 in its initial state.
    Converter get(const std::string& from)
    {
        for (const Entry& e : _entries)
            if (e.name == from)
            {
                if (ok(e.cd))
                    iconv(e.cd, nullptr, nullptr, nullptr, nullptr);
                return {e.cd, e.highHalf.get()};
            }
        if (_entries.size() >= kKept)
        {
            close(_entries.front().cd);
            _entries.erase(_entries.begin());
        }
        const iconv_t cd = iconv_open("UTF-8", from.c_str());
        std::unique_ptr<HighHalf> highHalf = ok(cd) && isSingleByteFamily(from) ? probeHighHalf(cd) : nullptr;
        _entries.push_back({from, cd, std::move(highHalf)});
        return {cd, _entries.back().highHalf.get()};
    }

    static bool ok(iconv_t cd) { return cd != reinterpret_cast<iconv_t>(-1); }

private:
    struct Entry
    {
        std::string name;
        iconv_t cd;
        std::unique_ptr<HighHalf> highHalf;
    };
    static constexpr std::size_t kKept = 8;
    static void close(iconv_t cd)
    {
        if (ok(cd))
            iconv_close(cd);
    }
    std::vector<Entry> _entries;
};

// convert for a single-byte charset: ASCII copied eight bytes at a time where it can
// be, other bytes looked up.
// Performance: written into room for the longest output, cut after (an append per
// byte cost more than the rest when a part is mostly upper bytes: mislabelled binary
// data, Cyrillic or Greek text).
std::string convertByTable(std::string_view text, const HighHalf& high)
{
    std::string out(text.size() * high.longest + HighHalf::kMaxUtf8, '\0');
    char* o = out.data();
    const char* p = text.data();
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;)
    {
        const auto byte = static_cast<unsigned char>(p[i]);
        if (byte >= 0x80)
        {
            // The entry is copied whole (the room has its size to spare); o moves on by its length.
            std::memcpy(o, high.utf8[byte - 0x80], HighHalf::kMaxUtf8);
            o += high.size[byte - 0x80];
            ++i;
            continue;
        }
        if (i + 8 <= n)
        {
            const std::uint64_t word = swar::load8(p + i);
            if ((word & swar::kHigh) == 0)
            {
                swar::store8(o, word);
                o += 8;
                i += 8;
                continue;
            }
        }
        *o++ = static_cast<char>(byte);
        ++i;
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return out;
}

} // namespace

std::size_t decodeBase64Into(std::string_view encoded, char* out)
{
    std::size_t used = 0;
    unsigned int bits = 0;
    int count = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(encoded.data());
    const std::size_t n = encoded.size();
    for (std::size_t i = 0; i < n;)
    {
        // Performance: four digits at a quantum's start are three bytes, as the byte at
        // a time below would make them (whole parts pass through here).
        if (count == 0 && i + 4 <= n)
        {
            const int a = kDigit.base64[in[i]], b = kDigit.base64[in[i + 1]];
            const int c = kDigit.base64[in[i + 2]], d = kDigit.base64[in[i + 3]];
            if ((a | b | c | d) >= 0)
            {
                const auto quantum = static_cast<unsigned int>(a << 18 | b << 12 | c << 6 | d);
                out[used] = static_cast<char>(quantum >> 16);
                out[used + 1] = static_cast<char>((quantum >> 8) & 0xFFu);
                out[used + 2] = static_cast<char>(quantum & 0xFFu);
                used += 3;
                i += 4;
                continue;
            }
        }
        const char c = static_cast<char>(in[i++]);
        if (c == '=')
        {
            // Padding ends a quantum; a following run starts afresh.
            bits = 0;
            count = 0;
            continue;
        }
        const int v = kDigit.base64[static_cast<unsigned char>(c)];
        if (v < 0)
            continue;
        bits = ((bits << 6) | static_cast<unsigned int>(v)) & 0xFFFFFFu;
        count += 6;
        if (count >= 8)
        {
            count -= 8;
            out[used++] = static_cast<char>((bits >> count) & 0xFFu);
        }
    }
    return used;
}

std::string decodeBase64(std::string_view encoded)
{
    const std::unique_ptr<char[]> out = uninitialised(base64DecodedBound(encoded.size()));
    return std::string(out.get(), decodeBase64Into(encoded, out.get()));
}

std::size_t decodeQuotedPrintableInto(std::string_view encoded, char* out, bool headerQ)
{
    char* o = out;
    const char* in = encoded.data();
    const std::size_t n = encoded.size();
    std::size_t i = 0;
    while (i < n)
    {
        // Performance: the text up to the next escape is copied in one piece (whole
        // parts pass through here), not byte by byte.
        std::size_t at = i;
        if (headerQ)
            while (at < n && in[at] != '=' && in[at] != '_')
                ++at;
        else
            at = static_cast<std::size_t>(swar::findByte(in, in + i, in + n, '=') - in);
        copyRun(o, in + i, at - i, n - i);
        o += at - i;
        i = at;
        if (i >= n)
            break;
        if (in[i] == '_')
        {
            *o++ = ' ';
            ++i;
            continue;
        }
        // Hex first: a hex digit is neither a blank nor a line end, so this is the
        // order of the rules below, and the case of encoded text.
        if (i + 2 < n && hexValue(in[i + 1]) >= 0 && hexValue(in[i + 2]) >= 0)
        {
            *o++ = static_cast<char>(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2]));
            i += 3;
            continue;
        }
        // Soft line break, also with blanks a relay left between '=' and the line end.
        std::size_t j = i + 1;
        while (j < n && (in[j] == ' ' || in[j] == '\t'))
            ++j;
        if (j < n && in[j] == '\n')
        {
            i = j + 1;
            continue;
        }
        *o++ = '=';
        ++i;
    }
    return static_cast<std::size_t>(o - out);
}

std::string decodeQuotedPrintable(std::string_view encoded, bool headerQ)
{
    // The output is never longer than the input: decode into a buffer of that size.
    const std::unique_ptr<char[]> out = uninitialised(encoded.size() + 1);
    return std::string(out.get(), decodeQuotedPrintableInto(encoded, out.get(), headerQ));
}

namespace {

// The iconv name to convert text from, or "" when the bytes stay as they are.
std::string conversionFrom(std::string_view text, std::string_view charset)
{
    std::string name(trim(charset));
    if (isUtf8Compatible(name) || !isPlausibleCharsetName(name))
    {
        // Undeclared ISO-2022-JP is common in Japanese bounces; anything else is kept.
        if (!hasIso2022Escape(text))
            return {};
        name = "ISO-2022-JP";
    }
    // Latin-1 labels are Windows-1252 in practice (WHATWG); iconv knows both.
    if (iequals(name, "iso-8859-1") || iequals(name, "latin1"))
        name = "WINDOWS-1252";
    // ISO-2022-JP-2 / -3 escapes are a superset of what mail uses; CP50221 is Microsoft's.
    if (istartsWith(name, "iso-2022-jp"))
        name = kIso2022Jp;
    // Performance: most parts labelled Latin-1 or ISO-2022-JP hold only ASCII, and a
    // glance at the bytes is far cheaper than iconv's converting them one by one.
    if (isAsciiSuperset(name) && isPlainAscii(text))
        return {};
    return name;
}

// Converts text with cd (from its current state) and appends it to out, then
// returns cd to its initial state.
void convertWithIconv(iconv_t cd, std::string_view text, bool sevenBit, std::string& out)
{
    char buffer[4096];
    char* in = const_cast<char*>(text.data());
    std::size_t inLeft = text.size();
    while (inLeft > 0)
    {
        // ISO-2022 is a 7-bit code: an 8-bit byte is never valid in any shift state, so
        // it becomes U+FFFD here, not after a call into iconv per byte (mislabelled
        // Japanese text has hundreds of them).
        if (sevenBit && static_cast<unsigned char>(*in) >= 0x80)
        {
            out += kReplacement;
            ++in;
            --inLeft;
            continue;
        }
        char* outPtr = buffer;
        std::size_t outLeft = sizeof buffer;
        const std::size_t rc = iconv(cd, &in, &inLeft, &outPtr, &outLeft);
        out.append(buffer, sizeof buffer - outLeft);
        if (rc != static_cast<std::size_t>(-1))
            continue;
        if (errno == E2BIG)
            continue;
        // EILSEQ (a byte the charset does not allow) or EINVAL (a sequence cut off at
        // the end): mark it, skip one byte and go on.
        out += kReplacement;
        ++in;
        --inLeft;
    }
    // Flush a pending shift state (ISO-2022-JP back to ASCII).
    char* outPtr = buffer;
    std::size_t outLeft = sizeof buffer;
    iconv(cd, nullptr, nullptr, &outPtr, &outLeft);
    out.append(buffer, sizeof buffer - outLeft);
}

// ISO-2022-JP escapes that switch between ASCII and JIS X 0208 or JIS X 0201 Roman
// only (ESC $ B, ESC $ @, ESC ( J; ESC ( B back to ASCII), without SO or SI: text
// whose ASCII stretches iconv leaves as they are (ISO-2022-JP-2's other escapes
// designate sets that outlast a return to ASCII, or end at a line break).
bool hasOnlyJisEscapes(std::string_view text)
{
    if (text.find('\x0e') != std::string_view::npos || text.find('\x0f') != std::string_view::npos)
        return false;
    for (std::size_t at = text.find('\x1b'); at != std::string_view::npos; at = text.find('\x1b', at + 1))
    {
        const std::string_view escape = text.substr(at, 3);
        if (escape != "\x1b$B" && escape != "\x1b$@" && escape != "\x1b(B" && escape != "\x1b(J")
            return false;
    }
    return true;
}

// convert for ISO-2022-JP text of hasOnlyJisEscapes: the stretches in ASCII are
// copied (an 8-bit byte marked, as convertWithIconv marks it), and each stretch from
// an escape out of ASCII to the escape back is converted by iconv from its initial
// state, which is the state the whole text's conversion is in there.
// Performance: Japanese bounces are mostly ASCII (headers, addresses, SMTP replies)
// around a few lines of Japanese, and iconv's ISO-2022-JP-2 module costs some fifty
// instructions a byte, ASCII or not.
std::string convertJisStretches(iconv_t cd, std::string_view text)
{
    static const std::string_view backToAscii = "\x1b(B";
    std::string out;
    out.reserve(text.size() * 3 / 2 + 16);
    for (std::size_t pos = 0; pos < text.size();)
    {
        const std::size_t escape = std::min(text.find('\x1b', pos), text.size());
        for (; pos < escape; ++pos)
        {
            const std::size_t ascii = pos;
            while (pos < escape && static_cast<unsigned char>(text[pos]) < 0x80)
                ++pos;
            if (pos > ascii)
                out.append(text.data() + ascii, pos - ascii);
            if (pos == escape)
                break;
            out += kReplacement;
        }
        if (escape == text.size())
            break;
        if (text.compare(escape, backToAscii.size(), backToAscii) == 0)
        {
            pos = escape + backToAscii.size();
            continue;
        }
        const std::size_t back = text.find(backToAscii, escape);
        const std::size_t end = back == std::string_view::npos ? text.size() : back + backToAscii.size();
        convertWithIconv(cd, text.substr(escape, end - escape), true, out);
        pos = end;
    }
    return out;
}

std::string convert(std::string_view text, const std::string& from)
{
    thread_local ConverterCache converters;
    const ConverterCache::Converter converter = converters.get(from);
    if (!ConverterCache::ok(converter.cd))
        return std::string(text);
    if (converter.highHalf)
        return convertByTable(text, *converter.highHalf);
    if (from == kIso2022Jp && hasOnlyJisEscapes(text))
        return convertJisStretches(converter.cd, text);
    std::string out;
    out.reserve(text.size() * 3 / 2 + 16);
    convertWithIconv(converter.cd, text, istartsWith(from, "iso-2022-"), out);
    return out;
}

} // namespace

std::string toUtf8(std::string_view text, std::string_view charset)
{
    const std::string from = conversionFrom(text, charset);
    return from.empty() ? std::string(text) : convert(text, from);
}

void convertToUtf8(std::string& text, std::string_view charset)
{
    const std::string from = conversionFrom(text, charset);
    if (!from.empty())
        text = convert(text, from);
}

bool convertToUtf8(std::string_view text, std::string_view charset, std::string& out)
{
    const std::string from = conversionFrom(text, charset);
    if (from.empty())
        return false;
    out = convert(text, from);
    return true;
}

} // namespace verpmail::bounce
