// TextScan: small, allocation-bounded helpers for reading the text of returned mail.
//
// Every bounce format ends up as lines of text with an address and an error line
// somewhere in them; these helpers find those pieces without regular expressions
// (std::regex is slow and can recurse deeply on long untrusted lines).
// Nothing here throws on any input.
#pragma once

#include "verpmail/util/Swar.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

/// ASCII lower-case of every byte value (UTF-8 bytes unchanged). A table: case is
/// folded once per byte of every text the parser compares.
struct FoldTable
{
    unsigned char lower[256];
    constexpr FoldTable() : lower()
    {
        for (int c = 0; c < 256; ++c)
            lower[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
};
inline constexpr FoldTable kFoldTable{};

inline unsigned char foldByte(unsigned char c)
{
    return kFoldTable.lower[c];
}

/// ' ', '\t', '\n', '\v', '\f', '\r': white space, as the C locale has it.
constexpr bool isSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

std::string toLower(std::string_view text);
/// toLower of a string of one's own, without a copy.
void lowerInPlace(std::string& text);
namespace detail {
/// iequals of two strings of n >= 8 bytes each (see there).
bool iequalsWords(const char* a, const char* b, std::size_t n);
} // namespace detail

// Performance: iequals and trim are inline; header fields are looked up by name and
// trimmed tens of times per message, and a call cost more than most comparisons
// (their lengths differ, or their first bytes). Strings of eight bytes or more whose
// first bytes agree (mostly equal ones: a DSN's field names, addresses) are compared
// eight bytes at a time (detail::iequalsWords), where a table load per byte of each
// side cost some six instructions a byte.
inline bool iequals(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size();
    if (n != b.size())
        return false;
    if (n < 8)
    {
        for (std::size_t i = 0; i < n; ++i)
            if (foldByte(static_cast<unsigned char>(a[i])) != foldByte(static_cast<unsigned char>(b[i])))
                return false;
        return true;
    }
    return foldByte(static_cast<unsigned char>(a[0])) == foldByte(static_cast<unsigned char>(b[0])) &&
           detail::iequalsWords(a.data(), b.data(), n);
}
bool istartsWith(std::string_view text, std::string_view prefix);
/// Case-insensitive find; npos when absent.
std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from = 0);
inline bool icontains(std::string_view haystack, std::string_view needle)
{
    return ifind(haystack, needle) != std::string_view::npos;
}
inline std::string_view trim(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

/// Returns text with CRLF and bare CR turned into LF, cut at maxBytes.
std::string normaliseLineEnds(std::string_view text, std::size_t maxBytes);
/// normaliseLineEnds into out (room for text.size() bytes, not filled first; it may be
/// text.data() itself, to normalise in place); returns the bytes written.
std::size_t normaliseLineEndsInto(std::string_view text, char* out);

/// Splits LF-terminated text into lines (without the LF).
std::vector<std::string_view> splitLines(std::string_view text);

/// The lines of splitLines one at a time, without building the vector:
///   LineReader lines(text); for (std::string_view line; lines.next(line);) ...
class LineReader
{
public:
    explicit LineReader(std::string_view text) : _text(text) {}
    bool next(std::string_view& line)
    {
        if (_pos >= _text.size())
            return false;
        // Lines are short: swar::findByte, not find's memchr (see there).
        const char* const begin = _text.data();
        const std::size_t stop =
            static_cast<std::size_t>(swar::findByte(begin, begin + _pos, begin + _text.size(), '\n') - begin);
        line = _text.substr(_pos, stop - _pos);
        _pos = stop + 1;
        return true;
    }

private:
    std::string_view _text;
    std::size_t _pos = 0;
};

/// Collapses runs of white space into one space and trims; cut at maxBytes.
std::string collapseSpace(std::string_view text, std::size_t maxBytes = 1000);
/// Whether collapseSpace would leave text as it is (single blanks between words,
/// none at either end): most diagnostics are stored collapsed, and a reader that
/// needs them so can then skip the copy.
bool isCollapsed(std::string_view text);

struct FoundAddress
{
    std::string address;   ///< normalised (see normaliseAddress)
    std::size_t pos = 0;   ///< offset of the first character in the scanned text
};

/// Every plausible addr-spec (local@domain.tld) in text, in order, at most maxCount.
std::vector<FoundAddress> findAddresses(std::string_view text, std::size_t maxCount = 200);

/// The first plausible address in text, normalised, or "".
std::string firstAddress(std::string_view text);

/// One address findAddresses would find, as a view into the scanned text (its domain
/// not yet lower-cased).
struct AddressSpan
{
    std::string_view address;
    std::size_t pos = 0;   ///< offset of the first character in the scanned text
    std::size_t at = 0;    ///< offset of the '@' in address
};

/// findAddresses without a copy per address or a list: for readers that keep few of
/// the addresses they see (most are duplicates). The caller bounds the count.
class AddressScanner
{
public:
    explicit AddressScanner(std::string_view text) : _text(text), _at(text.find('@')) {}
    /// The next address in order; false when there is none left.
    bool next(AddressSpan& span);

private:
    std::string_view _text;
    std::size_t _at;
};

/// Strips an address type ("rfc822;", "utf-8;"), angle brackets, quotes and white
/// space; lower-cases the domain. Returns "" when no '@' is left.
std::string normaliseAddress(std::string_view raw);
/// normaliseAddress on a string of one's own, without a copy; false (text unchanged)
/// where normaliseAddress returns "".
bool normaliseAddressInPlace(std::string& text);

/// The first enhanced status code "c.s.d" (c in 2, 4, 5) in text, or "".
std::string findStatusCode(std::string_view text);

/// The first SMTP reply code (2xx, 4xx, 5xx followed by space, '-' or end) in text, or "".
std::string findReplyCode(std::string_view text);

/// Removes the reply/status codes that start every line of a multi-line SMTP reply
/// ("550-5.7.1 a 550-5.7.1 b" -> "550-5.7.1 a b") from collapsed text, so
/// phrases split over lines can be found again.
std::string dropContinuationCodes(std::string_view collapsed);

/// dropContinuationCodes(collapseSpace(text, maxBytes)), without copying the collapsed
/// text when nothing is dropped (most diagnostics); *replyCode (when given) receives
/// findReplyCode of the result, which the drop mostly found already.
std::string collapseDiagnostic(std::string_view text, std::size_t maxBytes, std::string* replyCode = nullptr);
/// text = collapseDiagnostic(text, maxBytes), copying only what changes.
void collapseDiagnosticInPlace(std::string& text, std::size_t maxBytes);

/// The SMTP command an error text says it answered ("in reply to RCPT TO command",
/// "after end of data", ...): "MAIL", "RCPT", "DATA", "CONN", "HELO", or "".
std::string findSmtpCommand(std::string_view text);

} // namespace verpmail::bounce
