// Encodings: see the header. Hand-written decoders rather than Poco's streams: those
// throw from inside the stream buffer on bad data, which costs an exception per
// damaged part and leaked the partly built string under libFuzzer.
#include "verpmail/bounce/Encodings.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/util/Utf8mb4.h"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <type_traits>

namespace verpmail::bounce {

namespace {

// The value of a base64 digit ('-' and '_' too: the URL-safe alphabet, seen from
// web mailers), or -1.
int base64Value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (isDigit(c))
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    const char lower = lowerChar(c);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
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
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '-' || c == '_' || c == '.' ||
              c == ':'))
            return false;
    return true;
}

// Charsets whose first 128 code points are ASCII and that shift only with ISO 2022
// escapes: text of 7-bit bytes without ESC, SO or SI reads the same in them as in
// UTF-8, and is not given to iconv.
bool isAsciiSuperset(std::string_view iconvName)
{
    return istartsWith(iconvName, "iso-8859-") || istartsWith(iconvName, "windows-125") ||
           istartsWith(iconvName, "cp125") || istartsWith(iconvName, "iso-2022-jp");
}

bool isPlainAscii(std::string_view text)
{
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80 || c == '\x1b' || c == '\x0e' || c == '\x0f')
            return false;
    return true;
}

bool hasIso2022Escape(std::string_view text)
{
    // ESC $ B / ESC $ @ (JIS X 0208) switch ISO-2022-JP into two-byte mode.
    return text.find("\x1b$B") != std::string_view::npos || text.find("\x1b$@") != std::string_view::npos;
}

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
        name = "ISO-2022-JP-2";
    if (isAsciiSuperset(name) && isPlainAscii(text))
        return {};
    return name;
}

using Iconv = std::unique_ptr<std::remove_pointer_t<iconv_t>, int (*)(iconv_t)>;

// Converts text with iconv from `from` to UTF-8; an unknown charset leaves it as it is.
std::string convert(std::string_view text, const std::string& from)
{
    const Iconv cd(iconv_open("UTF-8", from.c_str()), iconv_close);
    if (cd.get() == reinterpret_cast<iconv_t>(-1))
        return std::string(text);
    // ISO-2022 is a 7-bit code: an 8-bit byte is never valid in any shift state.
    const bool sevenBit = istartsWith(from, "iso-2022-");
    std::string out;
    char buffer[4096];
    char* in = const_cast<char*>(text.data());
    std::size_t inLeft = text.size();
    while (inLeft > 0)
    {
        if (!sevenBit || static_cast<unsigned char>(*in) < 0x80)
        {
            char* outPtr = buffer;
            std::size_t outLeft = sizeof buffer;
            const std::size_t rc = iconv(cd.get(), &in, &inLeft, &outPtr, &outLeft);
            out.append(buffer, sizeof buffer - outLeft);
            if (rc != static_cast<std::size_t>(-1) || errno == E2BIG)
                continue;
        }
        // An 8-bit byte in a 7-bit code, EILSEQ (a byte the charset does not allow) or
        // EINVAL (a sequence cut off at the end): mark it, skip one byte and go on.
        out += kReplacementCharacter;
        ++in;
        --inLeft;
    }
    // Flush a pending shift state (ISO-2022-JP back to ASCII).
    char* outPtr = buffer;
    std::size_t outLeft = sizeof buffer;
    iconv(cd.get(), nullptr, nullptr, &outPtr, &outLeft);
    out.append(buffer, sizeof buffer - outLeft);
    return out;
}

} // namespace

std::string decodeBase64(std::string_view encoded)
{
    std::string out;
    out.reserve(encoded.size() / 4 * 3 + 3);
    unsigned int bits = 0;
    int count = 0;
    for (const char c : encoded)
    {
        if (c == '=')
        {
            // Padding ends a quantum; a following run starts afresh.
            bits = 0;
            count = 0;
            continue;
        }
        const int v = base64Value(c);
        if (v < 0)
            continue;
        bits = ((bits << 6) | static_cast<unsigned int>(v)) & 0xFFFFFFu;
        count += 6;
        if (count >= 8)
        {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFFu);
        }
    }
    return out;
}

std::string decodeQuotedPrintable(std::string_view encoded, bool headerQ)
{
    std::string out;
    out.reserve(encoded.size());
    const std::size_t n = encoded.size();
    for (std::size_t i = 0; i < n;)
    {
        const char c = encoded[i];
        if (headerQ && c == '_')
        {
            out += ' ';
            ++i;
            continue;
        }
        if (c != '=')
        {
            out += c;
            ++i;
            continue;
        }
        if (i + 2 < n && hexValue(encoded[i + 1]) >= 0 && hexValue(encoded[i + 2]) >= 0)
        {
            out += static_cast<char>(hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2]));
            i += 3;
            continue;
        }
        // Soft line break, also with blanks a relay left between '=' and the line end.
        std::size_t j = i + 1;
        while (j < n && (encoded[j] == ' ' || encoded[j] == '\t'))
            ++j;
        if (j < n && encoded[j] == '\n')
        {
            i = j + 1;
            continue;
        }
        out += '=';
        ++i;
    }
    return out;
}

std::string toUtf8(std::string_view text, std::string_view charset)
{
    const std::string from = conversionFrom(text, charset);
    return from.empty() ? std::string(text) : convert(text, from);
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
