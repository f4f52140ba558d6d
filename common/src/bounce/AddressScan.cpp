// AddressScan: see the header. Hand-written rather than std::regex: bounded time
// on hostile input, and no locale surprises with 8-bit text.
#include "verpmail/bounce/AddressScan.h"

#include "verpmail/bounce/Ascii.h"

#include <algorithm>

namespace verpmail::bounce {

namespace {

bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A byte of a dot-atom local part.
bool isLocalChar(char c)
{
    return isAlnum(c) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool isDomainChar(char c)
{
    return isAlnum(c) || c == '.' || c == '-' || c == '_';
}

// A quoted-string local part (RFC 5321 4.1.2: "john..doe"@example.org) ending just
// before the '@' at `at`: where its opening quote is, or `at` when there is none. The
// quoted text holds no quote, backslash or control byte (their escapes are too rare
// in returns to be worth the ambiguity), and the opening quote starts a word.
std::size_t quotedLocalStart(std::string_view text, std::size_t at, std::size_t floor)
{
    if (at < 2 || text[at - 1] != '"')
        return at;
    for (std::size_t k = at - 1; k > floor;)
    {
        const char c = text[--k];
        if (c == '"')
        {
            const bool wordStart = k == 0 || (!isLocalChar(text[k - 1]) && text[k - 1] != '\\');
            return wordStart && k + 2 < at ? k : at;
        }
        if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return at;
    }
    return at;
}

void lowerDomain(std::string& address, std::size_t at)
{
    for (std::size_t k = at + 1; k < address.size(); ++k)
        address[k] = lowerChar(address[k]);
}

} // namespace

bool AddressScanner::next(AddressSpan& span)
{
    const std::string_view text = _text;
    while (_at != std::string_view::npos)
    {
        const std::size_t at = _at;
        const std::size_t localFloor = at > 128 ? at - 128 : 0;
        std::size_t begin = quotedLocalStart(text, at, localFloor);
        if (begin == at)
        {
            while (begin > localFloor && isLocalChar(text[begin - 1]))
                --begin;
            while (begin < at && (text[begin] == '.' || text[begin] == '='))
                ++begin;   // a local part does not start with a dot; '=' is usually a QP artefact
        }
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
        // A plausible domain has a dot and a top-level label of two or more bytes
        // that does not end in a digit.
        if (!local.empty() && dot != std::string_view::npos && dot > 0 && domain.size() - dot - 1 >= 2 &&
            !isDigit(domain.back()))
        {
            span.address = text.substr(begin, end - begin);
            span.pos = begin;
            span.at = at - begin;
            return true;
        }
    }
    return false;
}

std::string foldedDomain(const AddressSpan& span)
{
    std::string address(span.address);
    lowerDomain(address, span.at);
    return address;
}

std::string firstAddress(std::string_view text)
{
    AddressScanner scanner(text);
    AddressSpan span;
    return scanner.next(span) ? foldedDomain(span) : std::string();
}

std::string normaliseAddress(std::string_view raw)
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
    const std::size_t at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size())
        return {};
    if (!quotedLocal && s.find_first_of(" \t") != std::string_view::npos)
        return {};
    std::string out(s);
    lowerDomain(out, at);
    return out;
}

} // namespace verpmail::bounce
