#include "verpmail/mail/EmailAddress.h"

#include <algorithm>
#include <cctype>

namespace verpmail {
namespace {

bool isAtextOrDot(unsigned char c)
{
    if (std::isalnum(c))
        return true;
    // RFC 5322 atext specials, plus '.' for dot-atom. Quotes and blanks are refused:
    // quoted local parts are legal but no list member has one, and they would need
    // quoting in every header and envelope we write.
    static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
    return kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool validDomain(std::string_view domain)
{
    if (domain.empty() || domain.size() > 253 || domain.front() == '.' || domain.back() == '.')
        return false;
    if (domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos)
        return false;
    return std::all_of(domain.begin(), domain.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return std::isalnum(b) || c == '.' || c == '-';
    });
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::optional<EmailAddress> EmailAddress::parse(std::string_view text)
{
    text = trim(text);
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        text = trim(text.substr(1, text.size() - 2));
    if (text.empty() || text.size() > 254)
        return std::nullopt;

    // Split at the last '@': only the domain is guaranteed free of '@'.
    const auto at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64)
        return std::nullopt;
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return std::nullopt;
    if (!std::all_of(local.begin(), local.end(), [](char c) { return isAtextOrDot(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    if (!validDomain(domain))
        return std::nullopt;

    std::string address(local);
    address += '@';
    for (const char c : domain)
        address += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return EmailAddress(std::move(address), at);
}

std::string_view EmailAddress::localPart() const
{
    return std::string_view(_address).substr(0, _at);
}

std::string_view EmailAddress::domain() const
{
    return std::string_view(_address).substr(_at + 1);
}

std::string EmailAddress::normalized() const
{
    std::string out = _address;
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace verpmail
