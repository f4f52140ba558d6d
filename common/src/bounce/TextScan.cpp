// TextScan: see the header. Hand-written scanners instead of std::regex: bounded
// time on hostile input, and no locale surprises with 8-bit text.
#include "verpmail/bounce/TextScan.h"

#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace verpmail::bounce {

namespace {

char lowerChar(char c)
{
    return static_cast<char>(foldByte(static_cast<unsigned char>(c)));
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Which bytes may stand in an address: findAddresses asks it of every byte around
// each '@', and a table is one load where the tests were up to a dozen compares.
enum : unsigned char
{
    kLocalChar = 1,   // of a dot-atom local part
    kDomainChar = 2,  // of a domain
};
struct AddressCharTable
{
    unsigned char cls[256];
    constexpr AddressCharTable() : cls()
    {
        for (int c = 0; c < 256; ++c)
        {
            const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            bool local = alnum;
            for (const char special : std::string_view(".!#$%&'*+/=?^_`{|}~-"))
                local = local || c == special;
            const bool domain = alnum || c == '.' || c == '-' || c == '_';
            cls[c] = static_cast<unsigned char>((local ? kLocalChar : 0) | (domain ? kDomainChar : 0));
        }
    }
};
constexpr AddressCharTable kAddressChars{};

bool isLocalChar(char c)
{
    return kAddressChars.cls[static_cast<unsigned char>(c)] & kLocalChar;
}

bool isDomainChar(char c)
{
    return kAddressChars.cls[static_cast<unsigned char>(c)] & kDomainChar;
}

// SWAR (eight bytes in one word, util/Swar.h): texts are long runs of bytes that are
// not white space, and a byte-at-a-time loop spent ~4 instructions and a branch on each.
using swar::kOnes;
using swar::load8;
constexpr std::uint64_t kHighBits = swar::kHigh;

// Lower-cases A-Z in [p, p + n), eight bytes at a time.
// Performance: the bytes after the last whole word are folded as the word that ends
// with them (folding twice changes nothing), and a string of four to seven bytes as
// two four-byte words that overlap: a byte loop of varying length mispredicted its
// end for most strings (media types, charsets, DSN actions, domains).
void foldInPlace(char* p, std::size_t n)
{
    if (n >= 8)
    {
        char* const last = p + n - 8;
        for (; p < last; p += 8)
            swar::store8(p, swar::foldAsciiUpper(load8(p)));
        swar::store8(last, swar::foldAsciiUpper(load8(last)));
        return;
    }
    if (n >= 4)
    {
        const auto fold4 = [](char* at) {
            std::uint32_t word;
            std::memcpy(&word, at, 4);
            word = static_cast<std::uint32_t>(swar::foldAsciiUpper(word));   // (zero bytes above stay zero)
            std::memcpy(at, &word, 4);
        };
        fold4(p);
        fold4(p + n - 4);
        return;
    }
    for (; n != 0; ++p, --n)
        *p = lowerChar(*p);
}

} // namespace

std::string toLower(std::string_view text)
{
    std::string out(text);
    lowerInPlace(out);
    return out;
}

void lowerInPlace(std::string& text)
{
    foldInPlace(text.data(), text.size());
}

bool detail::iequalsWords(const char* a, const char* b, std::size_t n)
{
    // Each word folded (A-Z only, as foldByte), the last one overlapping the one
    // before it where n is no multiple of eight.
    const auto differ = [&](std::size_t i) {
        return swar::foldAsciiUpper(load8(a + i)) != swar::foldAsciiUpper(load8(b + i));
    };
    for (std::size_t i = 0; i + 8 < n; i += 8)
        if (differ(i))
            return false;
    return !differ(n - 8);
}

bool istartsWith(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from)
{
    if (needle.empty())
        return from <= haystack.size() ? from : std::string_view::npos;
    if (haystack.size() < needle.size() || from > haystack.size() - needle.size())
        return std::string_view::npos;
    // Performance: jump between candidate first characters with memchr (both cases of a
    // letter) instead of lower-casing every byte; the comparison is the same ASCII one.
    const char first = lowerChar(needle[0]);
    const char firstUpper = (first >= 'a' && first <= 'z') ? static_cast<char>(first - 'a' + 'A') : first;
    const std::string_view rest = needle.substr(1);
    const std::size_t last = haystack.size() - needle.size();  // last possible start
    const char* base = haystack.data();
    std::size_t i = from;
    while (i <= last)
    {
        const std::size_t span = last - i + 1;
        const void* lo = std::memchr(base + i, first, span);
        std::size_t at = lo ? static_cast<std::size_t>(static_cast<const char*>(lo) - base) : std::string_view::npos;
        if (firstUpper != first)
        {
            const std::size_t upSpan = (at == std::string_view::npos ? last + 1 : at) - i;
            if (const void* up = upSpan ? std::memchr(base + i, firstUpper, upSpan) : nullptr)
                at = static_cast<std::size_t>(static_cast<const char*>(up) - base);
        }
        if (at == std::string_view::npos)
            break;
        if (iequals(haystack.substr(at + 1, rest.size()), rest))
            return at;
        i = at + 1;
    }
    return std::string_view::npos;
}

namespace {

// normaliseLineEndsInto a run at a time: the bytes between two CRs are found by
// swar::findByte and moved in one piece (memmove: `out` may be the text itself).
std::size_t normaliseRunsInto(const char* read, const char* const end, char* write, const char* const begin)
{
    char* const out = write;
    while (read < end)
    {
        const char* const stop = swar::findByte(begin, read, end, '\r');
        const std::size_t run = static_cast<std::size_t>(stop - read);
        if (write != read)
            std::memmove(write, read, run);
        write += run;
        if (stop == end)
            break;
        *write++ = '\n';
        read = stop + 1;
        if (read < end && *read == '\n')
            ++read;
    }
    return static_cast<std::size_t>(write - out);
}

} // namespace

std::size_t normaliseLineEndsInto(std::string_view text, char* out)
{
    // Performance: whole messages pass through here (a third of returns have CRLF
    // ends, a CR every line). Into a buffer of its own (the whole message), sixteen
    // bytes are copied at once and the CRs among them found by the same compare; a
    // CR costs a few instructions, where a search and a memmove call for each line
    // (the run copy below) cost some sixty. Each block is stored whole: bytes past a
    // CR are written over by what follows, and the room, text.size() bytes, holds
    // every block (the output is never ahead of the input). In place that would write
    // over input not read yet, so there the runs are moved.
    const char* read = text.data();
    const char* const end = read + text.size();
    char* write = out;
#if defined(__SSE2__)
    const auto address = [](const char* p) { return reinterpret_cast<std::uintptr_t>(p); };
    const bool apart = address(out) + text.size() <= address(read) || address(end) <= address(out);
    if (apart)
    {
        const __m128i cr = _mm_set1_epi8('\r');
        while (end - read >= 16)
        {
            const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(read));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(write), block);
            const unsigned crs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, cr)));
            if (crs == 0)
            {
                read += 16;
                write += 16;
                continue;
            }
            const unsigned k = static_cast<unsigned>(__builtin_ctz(crs));
            write += k;
            *write++ = '\n';
            read += k + 1;
            if (read < end && *read == '\n')
                ++read;
        }
        for (; read < end; ++read)
        {
            if (*read != '\r')
                *write++ = *read;
            else
            {
                *write++ = '\n';
                if (read + 1 < end && read[1] == '\n')
                    ++read;
            }
        }
        return static_cast<std::size_t>(write - out);
    }
#endif
    return normaliseRunsInto(read, end, write, text.data());
}

std::string normaliseLineEnds(std::string_view text, std::size_t maxBytes)
{
    text = text.substr(0, std::min(text.size(), maxBytes));
    std::string out(text.size(), '\0');
    out.resize(normaliseLineEndsInto(text, out.data()));
    return out;
}

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size())
    {
        const std::size_t end =
            static_cast<std::size_t>(swar::findByte(text.data(), text.data() + start, text.data() + text.size(), '\n') - text.data());
        if (end == text.size())
        {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

namespace {

/// isSpace as a table: collapse asks it of every byte.
struct SpaceTable
{
    bool space[256];
    constexpr SpaceTable() : space()
    {
        for (int c = 0; c < 256; ++c)
            space[c] = isSpace(static_cast<char>(c));
    }
};
constexpr SpaceTable kSpaceTable{};

bool isSpaceByte(char c)
{
    return kSpaceTable.space[static_cast<unsigned char>(c)];
}

// The high bit of each byte of x below 0x21 (where all white space is). Exact for
// the lowest such byte; bytes above it may be flagged falsely (borrow).
std::uint64_t lowBytes(std::uint64_t x)
{
    return swar::bytesBelow(x, 0x21);
}

using swar::bytesEqual;

// Index (0..7, in memory order) of the byte whose high bit is the lowest in mask (nonzero).
unsigned firstFlagged(std::uint64_t mask, const char* p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    (void)p;
    return static_cast<unsigned>(__builtin_ctzll(mask)) >> 3;
#else
    // Without a known byte order: the first byte below 0x21 by looking (mask only says
    // there is one).
    (void)mask;
    unsigned i = 0;
    while (static_cast<unsigned char>(p[i]) >= 0x21)
        ++i;
    return i;
#endif
}

// Copies the bytes of [p, stop) up to the first white space (or stop) to o, which
// has room for stop - p bytes; advances both past them. Where eight bytes are left
// they are stored whole, whatever the word's length: bytes stored past its end are
// inside o's room and are written over (or cut) afterwards.
void copyWord(const char*& p, const char* stop, char*& o)
{
    while (stop - p >= 8)
    {
        const std::uint64_t x = load8(p);
        std::memcpy(o, &x, 8);
        const std::uint64_t low = lowBytes(x);
        if (low == 0)
        {
            p += 8;
            o += 8;
            continue;
        }
        const unsigned k = firstFlagged(low, p);
        p += k;
        o += k;
        if (isSpaceByte(*p))
            return;
        ++p;   // a control character that is not white space (already copied)
        ++o;
    }
    while (p != stop && !isSpaceByte(*p))
        *o++ = *p++;
}

#if defined(__SSE2__)
// The blanks (' ') and the other white space (0x09..0x0d) among sixteen bytes, a bit
// each in memory order. Signed compares: bytes from 0x80 are negative and fail both.
struct WhiteSpaceBits
{
    unsigned blanks;
    unsigned controls;
};
WhiteSpaceBits whiteSpaceBits(const char* p)
{
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return {static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')))),
            static_cast<unsigned>(_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x08)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x0e)))))};
}
#endif

// Copies from p, a byte that is not white space, the longest run of [p, stop) that
// collapsing leaves as it is (words joined by single blanks) to o, which has room for
// stop - p bytes, and advances both past it; from under sixteen bytes before stop, the
// word at p only (copyWord). The run ends before white space other than one blank
// followed by a word, so it never ends with a blank.
// Performance: a diagnostic is mostly collapsed already (prose with single blanks,
// broken into lines): sixteen bytes are tested and copied at once (a word at a time
// cost a store, a scan for its end and a loop over the blanks after it, for words of
// five or six bytes).
void copyCollapsedRun(const char*& p, const char* stop, char*& o)
{
#if defined(__SSE2__)
    while (stop - p >= 16)
    {
        std::memcpy(o, p, 16);
        const auto [blanks, controls] = whiteSpaceBits(p);
        // A blank ends the run when white space follows it, or when what follows is
        // beyond these sixteen bytes.
        const unsigned ends = controls | (blanks & ((blanks | controls) >> 1)) | (blanks & 0x8000u);
        if (ends != 0)
        {
            const unsigned k = static_cast<unsigned>(__builtin_ctz(ends));
            p += k;
            o += k;
            return;
        }
        p += 16;
        o += 16;
    }
#endif
    copyWord(p, stop, o);
}

} // namespace

std::string collapseSpace(std::string_view text, std::size_t maxBytes)
{
    // Every output byte stands for at least one input byte: write into a buffer of
    // the final bound instead of growing a string a byte at a time.
    std::string out(std::min(text.size(), maxBytes), '\0');
    char* const begin = out.data();
    char* o = begin;
    char* const limit = begin + out.size();
    const char* p = text.data();
    const char* const end = p + text.size();
    // A run of words already collapsed at a time (a byte at a time with the space
    // state was twice the instructions), sixteen or eight bytes at a time within it: a
    // call to memcpy per run cost more than most runs.
    while (o != limit)
    {
        while (p != end && isSpaceByte(*p))
            ++p;
        if (p == end)
            break;
        if (o != begin)
        {
            *o++ = ' ';
            if (o == limit)
                break;
        }
        const char* const stop = p + std::min(static_cast<std::size_t>(end - p), static_cast<std::size_t>(limit - o));
        copyCollapsedRun(p, stop, o);
    }
    out.resize(static_cast<std::size_t>(o - begin));
    return out;
}

bool isCollapsed(std::string_view text)
{
    if (!text.empty() && (text.front() == ' ' || text.back() == ' '))
        return false;
    const char* p = text.data();
    const char* const end = p + text.size();
    // Eight bytes at a time: none may be white space other than ' ', and no ' ' may
    // follow another (also across two words: `carry` is the previous word's last byte).
    std::uint64_t carry = 0;
#if defined(__SSE2__)
    // Performance: sixteen at a time first, as copyCollapsedRun tests them (the
    // classifier asks this of every diagnostic, mostly collapsed prose).
    unsigned previousBlank = 0;
    for (; end - p >= 16; p += 16)
    {
        const auto [blanks, controls] = whiteSpaceBits(p);
        if ((controls | (blanks & ((blanks << 1) | previousBlank))) != 0)
            return false;
        previousBlank = blanks >> 15;
    }
    // The rest of a text of sixteen bytes or more as the sixteen that end it (bytes
    // tested twice pass twice alike; the first of them and the byte before it were
    // tested together above): the loops below took a branch per word and per byte,
    // their ends mispredicted.
    if (p != end && text.size() >= 16)
    {
        const auto [blanks, controls] = whiteSpaceBits(end - 16);
        return (controls | (blanks & (blanks << 1))) == 0;
    }
    // The eight-byte loop's form: the high bit of the byte before p.
    carry = previousBlank << 7;
#endif
    for (; end - p >= 8; p += 8)
    {
        const std::uint64_t x = load8(p);
        if (lowBytes(x) == 0)
        {
            carry = 0;
            continue;
        }
        const std::uint64_t blanks = bytesEqual(x, ' ');
        // Bytes 0x09..0x0d: with the high bit cleared, adding lifts exactly those (and no
        // byte carries into the next) into the band where one sum has bit 7 and the other not.
        const std::uint64_t low7 = x & ~kHighBits;
        const std::uint64_t controls = (low7 + (0x80 - 0x09) * kOnes) & ~(low7 + (0x80 - 0x0e) * kOnes) & ~x & kHighBits;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        const std::uint64_t previous = (blanks >> 8) | carry;
        carry = blanks << 56;
#else
        const std::uint64_t previous = (blanks << 8) | carry;
        carry = blanks >> 56;
#endif
        if (controls != 0 || (blanks & previous) != 0)
            return false;
    }
    bool afterBlank = carry != 0;
    for (; p != end; ++p)
    {
        if (isSpaceByte(*p))
        {
            if (*p != ' ' || afterBlank)
                return false;
            afterBlank = true;
        }
        else
            afterBlank = false;
    }
    return true;
}

namespace {

// Whether s holds a ' ' or a '\t'.
// Performance: eight bytes at a time, the last word overlapping the one before (an
// address is some thirty bytes, and a byte loop, itself once find_first_of's memchr
// call per byte, was a third of the cost of normalising one).
bool holdsBlank(std::string_view s)
{
    const auto blanks = [](std::uint64_t x) { return swar::bytesEqual(x, ' ') | swar::bytesEqual(x, '\t'); };
    const char* p = s.data();
    std::size_t n = s.size();
    if (n < 8)
    {
        for (; n != 0; ++p, --n)
            if (*p == ' ' || *p == '\t')
                return true;
        return false;
    }
    for (; n > 8; p += 8, n -= 8)
        if (blanks(load8(p)))
            return true;
    return blanks(load8(p + n - 8)) != 0;
}

// The address normaliseAddress keeps of raw (a view into it, its domain not yet
// lower-cased), and where its '@' is; false when there is none.
bool addressSpan(std::string_view raw, std::string_view& address, std::size_t& at)
{
    std::string_view s = trim(raw);
    // "rfc822; a@b" / "utf-8; a@b": the address type comes before the first ';'.
    const std::size_t semi = s.find(';');
    if (semi != std::string_view::npos && semi < s.find('@'))
        s = trim(s.substr(semi + 1));
    const std::size_t lt = s.find('<');
    if (lt != std::string_view::npos)
    {
        const std::size_t gt = s.find('>', lt);
        s = s.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
    }
    s = trim(s);
    while (!s.empty() && (s.front() == '<' || s.front() == '['))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == '>' || s.back() == ']' || s.back() == ';'))
        s.remove_suffix(1);
    // A quoted local part ("a b"@example.org) keeps its quotes.
    const bool quotedLocal = s.find("\"@") != std::string_view::npos;
    while (!s.empty() && ((!quotedLocal && s.front() == '"') || s.front() == '\'' || s.front() == '('))
        s.remove_prefix(1);
    while (!s.empty() && ((!quotedLocal && s.back() == '"') || s.back() == '\'' || s.back() == '.' || s.back() == ')' ||
                          s.back() == ',' || s.back() == ':'))
        s.remove_suffix(1);
    at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size())
        return false;
    if (!quotedLocal && holdsBlank(s))
        return false;
    address = s;
    return true;
}

} // namespace

std::string normaliseAddress(std::string_view raw)
{
    std::string_view s;
    std::size_t at = 0;
    if (!addressSpan(raw, s, at))
        return {};
    std::string out(s);
    foldInPlace(out.data() + at + 1, out.size() - at - 1);
    return out;
}

bool normaliseAddressInPlace(std::string& text)
{
    std::string_view s;
    std::size_t at = 0;
    if (!addressSpan(text, s, at))
        return false;
    const std::size_t begin = static_cast<std::size_t>(s.data() - text.data());
    const std::size_t size = s.size();
    text.resize(begin + size);
    text.erase(0, begin);
    foldInPlace(text.data() + at + 1, size - at - 1);
    return true;
}

bool AddressScanner::next(AddressSpan& span)
{
    const std::string_view text = _text;
    while (_at != std::string_view::npos)
    {
        const std::size_t at = _at;
        // One bound per loop, not two: the start of the text or 128 bytes before the
        // '@', the end or 256 bytes after it (every address found walks both).
        const std::size_t localFloor = at > 128 ? at - 128 : 0;
        std::size_t begin = at;
        while (begin > localFloor && isLocalChar(text[begin - 1]))
            --begin;
        while (begin < at && (text[begin] == '.' || text[begin] == '='))
            ++begin; // a local part does not start with a dot; '=' is usually a QP artefact
        std::size_t end = at + 1;
        const std::size_t domainCeiling = std::min(text.size(), at + 256);
        while (end < domainCeiling && isDomainChar(text[end]))
            ++end;
        while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-'))
            --end;
        _at = text.find('@', std::max(end, at + 1));
        const std::string_view local = text.substr(begin, at - begin);
        const std::string_view domain = text.substr(at + 1, end - at - 1);
        const std::size_t dot = domain.rfind('.');
        // A plausible domain has a dot and an alphabetic top-level label.
        const bool plausible = !local.empty() && dot != std::string_view::npos && dot > 0 &&
                               dot + 2 < domain.size() + 1 && domain.size() - dot - 1 >= 2 &&
                               !isDigit(domain.back());
        if (plausible)
        {
            // local '@' domain is text[begin, end) as it stands.
            span.address = text.substr(begin, end - begin);
            span.pos = begin;
            span.at = at - begin;
            return true;
        }
    }
    return false;
}

namespace {

std::string foldedDomain(const AddressSpan& span)
{
    std::string address(span.address);
    foldInPlace(address.data() + span.at + 1, address.size() - span.at - 1);
    return address;
}

} // namespace

std::vector<FoundAddress> findAddresses(std::string_view text, std::size_t maxCount)
{
    std::vector<FoundAddress> found;
    AddressScanner scanner(text);
    AddressSpan span;
    while (found.size() < maxCount && scanner.next(span))
        found.push_back({foldedDomain(span), span.pos});
    return found;
}

std::string firstAddress(std::string_view text)
{
    // Performance: no list and no copy of its first entry (three allocations to one).
    AddressScanner scanner(text);
    AddressSpan span;
    return scanner.next(span) ? foldedDomain(span) : std::string();
}

namespace {

// The length of the status code "c.s.d" that starts at text[i] (i + 5 <= text.size(),
// text[i] one of 2, 4, 5 and text[i + 1] a dot), or 0: a subject and a detail of one
// to three digits, not inside a longer run of numbers and dots ("5.1.1.4",
// "192.0.2.153").
std::size_t statusCodeAt(std::string_view text, std::size_t i)
{
    if (i > 0 && (isDigit(text[i - 1]) || text[i - 1] == '.'))
        return 0;
    std::size_t j = i + 2;
    std::size_t n = 0;
    while (j < text.size() && isDigit(text[j]) && n < 4)
        ++j, ++n;
    if (n == 0 || n > 3 || j >= text.size() || text[j] != '.')
        return 0;
    ++j;
    std::size_t m = 0;
    while (j < text.size() && isDigit(text[j]) && m < 4)
        ++j, ++m;
    if (m == 0 || m > 3)
        return 0;
    // "5.1.1" but not "5.1.1.4" (an IP address or version number).
    if (j < text.size() && (isDigit(text[j]) || (text[j] == '.' && j + 1 < text.size() && isDigit(text[j + 1]))))
        return 0;
    return j - i;
}

} // namespace

std::string findStatusCode(std::string_view text)
{
    // A code starts at i where text[i + 1] is a dot and i + 5 <= text.size().
    std::size_t i = 0;
#if defined(__SSE2__)
    // Performance: sixteen starts at once: where no byte after them is a dot (most
    // blocks of prose) one compare says so; elsewhere three loads a byte apart say
    // where "[245]\\.[0-9]" starts, and only there is the code read. The search by
    // dots below cost a memchr call (and mostly a mispredicted branch) for each dot
    // of every sentence and domain name.
    const auto load = [&](std::size_t at) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    };
    for (; i + 18 <= text.size(); i += 16)
    {
        const __m128i dots = _mm_cmpeq_epi8(load(i + 1), _mm_set1_epi8('.'));
        if (_mm_movemask_epi8(dots) == 0)
            continue;
        const __m128i first = load(i);
        const __m128i twoFourFive = _mm_or_si128(_mm_cmpeq_epi8(first, _mm_set1_epi8('2')),
                                                 _mm_cmpeq_epi8(_mm_or_si128(first, _mm_set1_epi8(1)),
                                                                _mm_set1_epi8('5')));   // '4' or '5'
        const __m128i digitOffset = _mm_sub_epi8(load(i + 2), _mm_set1_epi8('0'));
        const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(digitOffset, _mm_set1_epi8(9)), digitOffset);
        for (unsigned starts = static_cast<unsigned>(
                 _mm_movemask_epi8(_mm_and_si128(dots, _mm_and_si128(twoFourFive, digit))));
             starts != 0; starts &= starts - 1)
        {
            const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(starts));
            if (at + 5 > text.size())
                return {};
            if (const std::size_t length = statusCodeAt(text, at))
                return std::string(text.substr(at, length));
        }
    }
#endif
    // Performance: a code is "c.", so only the dots need a look (memchr finds them).
    for (std::size_t dot = text.find('.', i + 1); dot != std::string_view::npos; dot = text.find('.', dot + 1))
    {
        const std::size_t at = dot - 1;
        if (at + 5 > text.size())
            break;
        const char c = text[at];
        if (c != '2' && c != '4' && c != '5')
            continue;
        if (const std::size_t length = statusCodeAt(text, at))
            return std::string(text.substr(at, length));
    }
    return {};
}

namespace {

// Whether the reply code findReplyCode sees at text[i, i + 3) (three digits, the
// first 2, 4 or 5 and the second up to 5) stands alone: after the start or an
// opening byte, before the end or a closing one.
bool replyCodeStandsAlone(std::string_view text, std::size_t i)
{
    if (i > 0)
    {
        const char before = text[i - 1];
        if (!(isSpace(before) || before == ':' || before == '(' || before == '[' || before == '"' || before == '#' ||
              before == '='))
            return false;
    }
    if (i + 3 < text.size())
    {
        const char after = text[i + 3];
        return after == ' ' || after == '-' || after == '\n' || after == '\t' || after == ')' || after == ']';
    }
    return true;
}

} // namespace

std::string findReplyCode(std::string_view text)
{
    std::size_t i = 0;
#if defined(__SSE2__)
    // Performance: sixteen starts at once: three loads a byte apart say where
    // "[245][0-5][0-9]" starts, and only there are the bytes around looked at. The
    // texts searched are diagnostics and report prose read to their end, with dates,
    // addresses and queue ids whose digits cost the byte loop below a mispredicted
    // branch each.
    const auto load = [&](std::size_t at) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    };
    // Bytes from '0' to '0' + top (unsigned: a byte below '0' wraps around high).
    const auto upTo = [](__m128i x, char top) {
        const __m128i offset = _mm_sub_epi8(x, _mm_set1_epi8('0'));
        return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(top)), offset);
    };
    const auto startsAt = [&](std::size_t block) {
        const __m128i first = load(block);
        const __m128i twoFourFive = _mm_or_si128(_mm_cmpeq_epi8(first, _mm_set1_epi8('2')),
                                                 _mm_cmpeq_epi8(_mm_or_si128(first, _mm_set1_epi8(1)),
                                                                _mm_set1_epi8('5')));   // '4' or '5'
        return static_cast<unsigned>(_mm_movemask_epi8(
            _mm_and_si128(twoFourFive, _mm_and_si128(upTo(load(block + 1), 5), upTo(load(block + 2), 9)))));
    };
    for (; i + 18 <= text.size(); i += 16)
    {
        for (unsigned starts = startsAt(i); starts != 0; starts &= starts - 1)
        {
            const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(starts));
            if (replyCodeStandsAlone(text, at))
                return std::string(text.substr(at, 3));
        }
    }
    // The starts left (up to text.size() - 3) among the sixteen of the last block,
    // those before i dropped: the byte loops below mispredicted their ends.
    if (i + 3 <= text.size() && text.size() >= 18)
    {
        const std::size_t block = text.size() - 18;
        for (unsigned starts = startsAt(block) & (~0u << (i - block)); starts != 0; starts &= starts - 1)
        {
            const std::size_t at = block + static_cast<std::size_t>(__builtin_ctz(starts));
            if (replyCodeStandsAlone(text, at))
                return std::string(text.substr(at, 3));
        }
        return {};
    }
#endif
    for (; i + 3 <= text.size(); ++i)
    {
        // Performance: a code starts with a digit, so eight bytes without one start
        // none. Diagnostics without a code (or with it late) are read to their end,
        // up to a thousand bytes of prose with few digits: a word tested at once
        // costs less than the byte-by-byte skip below.
        while (i + 8 <= text.size() &&
               swar::bytesBelow(load8(text.data() + i) ^ ('0' * kOnes), 10) == 0)
            i += 8;
        if (i + 3 > text.size())
            break;
        // Performance: a code is three digits, so where text[i + 2] is none, no code
        // starts at i, i + 1 or i + 2 (prose is mostly such bytes).
        if (!isDigit(text[i + 2]))
        {
            i += 2;
            continue;
        }
        const char c = text[i];
        if (static_cast<unsigned char>(c - '2') > 3 || c == '3')
            continue;
        if (!isDigit(text[i + 1]) || text[i + 1] > '5')
            continue;
        if (replyCodeStandsAlone(text, i))
            return std::string(text.substr(i, 3));
    }
    return {};
}

namespace {

// Whether dropContinuationCodes changes collapsed, whose first reply code is code.
// With the code written once there is nothing to drop, and text without blanks at
// its ends comes out of dropCodes as it went in.
bool dropsCodes(std::string_view collapsed, std::string_view code)
{
    const std::size_t first = collapsed.find(code);
    return collapsed.find(code, first + 1) != std::string_view::npos || collapsed.front() == ' ' ||
           collapsed.back() == ' ';
}

// Performance: only tokens that start with the code (and the status after a dropped
// one) can go, so the search jumps between occurrences of the code and copies the
// runs of tokens between them whole (a search and an append per token was most of
// the cost of a long diagnostic). The result is that of the token by token rule:
// split at every ' ' (no empty token after a final ' '), drop every code token but
// the first and a status token right after a dropped one, join the rest with ' ',
// and leave out empty tokens before the first non-empty one.
std::string dropCodes(std::string_view collapsed, std::string_view code)
{
    const std::string status = findStatusCode(collapsed);
    const std::size_t n = collapsed.size();
    std::string out(n, '\0');   // it only gets shorter
    char* const begin = out.data();
    char* o = begin;
    // Appends the run of whole tokens [from, to) as join does: after a ' ' unless
    // nothing is written yet.
    const auto keep = [&](std::size_t from, std::size_t to) {
        if (o != begin)
            *o++ = ' ';
        std::memcpy(o, collapsed.data() + from, to - from);
        o += to - from;
    };
    const auto tokenEnd = [&](std::size_t from) {
        const std::size_t space = collapsed.find(' ', from);
        return space == std::string_view::npos ? n : space;
    };
    bool seenCode = false;
    std::size_t run = 0;   // where the tokens not yet written start
    for (std::size_t p = collapsed.find(code); p != std::string_view::npos; p = collapsed.find(code, p + 1))
    {
        if ((p != 0 && collapsed[p - 1] != ' ') ||
            (p + 3 < n && collapsed[p + 3] != ' ' && collapsed[p + 3] != '-'))
            continue;
        if (!seenCode)
        {
            seenCode = true;
            continue;
        }
        if (p > run)
            keep(run, p - 1);
        std::size_t end = tokenEnd(p);
        // The status repeated after a dropped code goes with it (a code token after
        // it is the next occurrence).
        if (end < n && !status.empty() && collapsed.compare(end + 1, status.size(), status) == 0 &&
            (end + 1 + status.size() == n || collapsed[end + 1 + status.size()] == ' '))
            end += 1 + status.size();
        run = end + 1;
        p = end;
    }
    if (run < n)
        keep(run, collapsed.back() == ' ' ? n - 1 : n);
    // Empty tokens before the first word were written as blanks.
    std::size_t lead = 0;
    while (begin + lead != o && begin[lead] == ' ')
        ++lead;
    out.resize(static_cast<std::size_t>(o - begin));
    out.erase(0, lead);
    return out;
}

} // namespace

std::string dropContinuationCodes(std::string_view collapsed)
{
    const std::string code = findReplyCode(collapsed);
    if (code.empty() || !dropsCodes(collapsed, code))
        return std::string(collapsed);
    return dropCodes(collapsed, code);
}

std::string collapseDiagnostic(std::string_view text, std::size_t maxBytes, std::string* replyCode)
{
    std::string collapsed = collapseSpace(text, maxBytes);
    std::string code = findReplyCode(collapsed);
    // Mostly nothing is dropped: then the collapsed text is the result, not a copy of
    // it, and its first reply code is the result's.
    if (code.empty() || !dropsCodes(collapsed, code))
    {
        if (replyCode)
            *replyCode = std::move(code);
        return collapsed;
    }
    std::string dropped = dropCodes(collapsed, code);
    if (replyCode)
        *replyCode = findReplyCode(dropped);
    return dropped;
}

void collapseDiagnosticInPlace(std::string& text, std::size_t maxBytes)
{
    // A diagnostic mostly arrives collapsed (one line, or folded lines joined by a
    // blank): then collapseSpace would only copy it.
    if (text.size() > maxBytes || !isCollapsed(text))
        text = collapseSpace(text, maxBytes);
    const std::string code = findReplyCode(text);
    if (!code.empty() && dropsCodes(text, code))
        text = dropCodes(text, code);
}

std::string findSmtpCommand(std::string_view text)
{
    // Postfix "in reply to X command", Exim "after X", Yahoo "[RCPT_TO]", qmail prose.
    static const std::pair<std::string_view, std::string_view> phrases[] = {
        {"in reply to end of data", "DATA"},   {"in reply to data", "DATA"},
        {"after end of data", "DATA"},         {"after data", "DATA"},
        {"in reply to rcpt to", "RCPT"},       {"after rcpt to", "RCPT"},
        {"[rcpt_to]", "RCPT"},                 {"does not like recipient", "RCPT"},
        {"in reply to mail from", "MAIL"},     {"after mail from", "MAIL"},
        {"[mail_from]", "MAIL"},               {"does not like sender", "MAIL"},
        {"in reply to helo", "HELO"},          {"in reply to ehlo", "HELO"},
        {"after helo", "HELO"},                {"after ehlo", "HELO"},
        {">>> data", "DATA"},                  {">>> rcpt to", "RCPT"},
        {">>> mail from", "MAIL"},             {"did not like our rcpt to", "RCPT"},
        {"did not like our mail from", "MAIL"}, {"did not like our data", "DATA"},
        {"smtp command data", "DATA"},         {"in reply to initial", "CONN"},
        {"while connected", "CONN"},           {"after initial connection", "CONN"},
        {"refused to talk to me", "CONN"},
    };
    constexpr std::size_t kRows = sizeof(phrases) / sizeof(phrases[0]);
    static_assert(kRows <= 32, "a row is a bit of a 32-bit mask");
    // Performance: the Wu-Manber jump of PhraseSet, keyed by the window's last two
    // bytes (five bits of each) in 1 KB: the 24 KB table of three-byte keys mostly
    // left the first-level cache between calls, as the parser reads other tables.
    constexpr std::size_t kWindow = 8;   // the shortest phrase
    constexpr auto key = [](unsigned char a, unsigned char b) {
        return static_cast<unsigned>(((a | 0x20u) & 31u) << 5 | ((b | 0x20u) & 31u));
    };
    struct Table
    {
        std::uint8_t jump[1024];
        std::uint32_t endRows[1024];   // rows whose window-long prefix ends with the key
    };
    static const Table table = [&] {
        Table tb{};
        std::fill(std::begin(tb.jump), std::end(tb.jump), static_cast<std::uint8_t>(kWindow - 1));
        for (std::size_t row = 0; row < kRows; ++row)
        {
            const std::string_view p = phrases[row].first;
            for (std::size_t j = 1; j < kWindow; ++j)
            {
                const unsigned k = key(p[j - 1], p[j]);
                tb.jump[k] = std::min<std::uint8_t>(tb.jump[k], static_cast<std::uint8_t>(kWindow - 1 - j));
            }
            tb.endRows[key(p[kWindow - 2], p[kWindow - 1])] |= 1u << row;
        }
        return tb;
    }();
    // The phrase that starts first names the command (the earlier row on a tie).
    const auto* t = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i + kWindow <= text.size();)
    {
        const unsigned k = key(t[i + kWindow - 2], t[i + kWindow - 1]);
        if (const std::size_t jump = table.jump[k])
        {
            i += jump;
            continue;
        }
        for (std::uint32_t rows = table.endRows[k]; rows != 0; rows &= rows - 1)
        {
            const auto& [phrase, command] = phrases[__builtin_ctz(rows)];
            if (phrase.size() <= text.size() - i && iequals(text.substr(i, phrase.size()), phrase))
                return std::string(command);
        }
        ++i;
    }
    return {};
}

} // namespace verpmail::bounce
