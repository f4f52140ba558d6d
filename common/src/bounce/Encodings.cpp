// Encodings: see the header. Hand-written decoders rather than Poco's streams: those
// throw from inside the stream buffer on bad data, which costs an exception per
// damaged part and leaked the partly built string under libFuzzer.
#include "verpmail/bounce/Encodings.h"

#include "verpmail/bounce/TextScan.h"

#include <iconv.h>

#include <cerrno>

namespace verpmail::bounce {

namespace {

int base64Value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')   // '-' and '_': the URL-safe alphabet, seen from web mailers
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
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

bool hasIso2022Escape(std::string_view text)
{
    // ESC $ B / ESC $ @ (JIS X 0208) switch ISO-2022-JP into two-byte mode.
    for (std::size_t at = text.find('\x1b'); at != std::string_view::npos && at + 2 < text.size();
         at = text.find('\x1b', at + 1))
        if (text[at + 1] == '$' && (text[at + 2] == 'B' || text[at + 2] == '@'))
            return true;
    return false;
}

class Iconv
{
public:
    explicit Iconv(const std::string& from) : _cd(iconv_open("UTF-8", from.c_str())) {}
    ~Iconv()
    {
        if (ok())
            iconv_close(_cd);
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
    bool ok() const { return _cd != reinterpret_cast<iconv_t>(-1); }
    iconv_t get() const { return _cd; }

private:
    iconv_t _cd;
};

} // namespace

std::string decodeBase64(std::string_view encoded)
{
    std::string out;
    out.reserve(encoded.size() / 4 * 3 + 3);
    unsigned int bits = 0;
    int count = 0;
    for (char c : encoded)
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
            out.push_back(static_cast<char>((bits >> count) & 0xFFu));
        }
    }
    return out;
}

std::string decodeQuotedPrintable(std::string_view encoded, bool headerQ)
{
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i)
    {
        const char c = encoded[i];
        if (headerQ && c == '_')
        {
            out.push_back(' ');
            continue;
        }
        if (c != '=')
        {
            out.push_back(c);
            continue;
        }
        // Soft line break, also with blanks a relay left between '=' and the line end.
        std::size_t j = i + 1;
        while (j < encoded.size() && (encoded[j] == ' ' || encoded[j] == '\t'))
            ++j;
        if (j < encoded.size() && encoded[j] == '\n')
        {
            i = j;
            continue;
        }
        if (i + 2 < encoded.size() && hexValue(encoded[i + 1]) >= 0 && hexValue(encoded[i + 2]) >= 0)
        {
            out.push_back(static_cast<char>(hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2])));
            i += 2;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

std::string toUtf8(std::string_view text, std::string_view charset)
{
    std::string name(trim(charset));
    if (isUtf8Compatible(name) || !isPlausibleCharsetName(name))
    {
        // Undeclared ISO-2022-JP is common in Japanese bounces; anything else is kept.
        if (!hasIso2022Escape(text))
            return std::string(text);
        name = "ISO-2022-JP";
    }
    // Latin-1 labels are Windows-1252 in practice (WHATWG); iconv knows both.
    if (iequals(name, "iso-8859-1") || iequals(name, "latin1"))
        name = "WINDOWS-1252";
    // ISO-2022-JP-2 / -3 escapes are a superset of what mail uses; CP50221 is Microsoft's.
    if (istartsWith(name, "iso-2022-jp"))
        name = "ISO-2022-JP-2";
    Iconv cd(name);
    if (!cd.ok())
        return std::string(text);

    std::string out;
    out.reserve(text.size() * 3 / 2 + 16);
    char buffer[4096];
    char* in = const_cast<char*>(text.data());
    std::size_t inLeft = text.size();
    while (inLeft > 0)
    {
        char* outPtr = buffer;
        std::size_t outLeft = sizeof buffer;
        const std::size_t rc = iconv(cd.get(), &in, &inLeft, &outPtr, &outLeft);
        out.append(buffer, sizeof buffer - outLeft);
        if (rc != static_cast<std::size_t>(-1))
            continue;
        if (errno == E2BIG)
            continue;
        // EILSEQ (a byte the charset does not allow) or EINVAL (a sequence cut off at
        // the end): mark it, skip one byte and go on.
        out += "\xef\xbf\xbd";
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

} // namespace verpmail::bounce
