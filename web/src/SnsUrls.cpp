#include "SnsUrls.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

namespace verpmail::web {
namespace {

constexpr std::size_t kMaxUrl = 2048;
constexpr std::string_view kScheme = "https://";

bool printableAscii(const std::string& text)
{
    for (const char c : text)
        if (c <= ' ' || c > '~')
            return false;
    return true;
}

bool plainAuthority(std::string_view authority)
{
    if (authority.empty())
        return false;
    for (const char c : authority) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
            return false;
    }
    return true;
}

bool endsWith(const std::string& text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

HostPattern::HostPattern(const std::string& pattern)
    : _expression(std::make_shared<const Poco::RegularExpression>(pattern))
{
}

bool HostPattern::matches(const std::string& host) const
{
    try {
        return _expression->match(host);
    } catch (const Poco::Exception&) {
        // PCRE's own limits (match or recursion): no match.
        return false;
    }
}

std::optional<Poco::URI> checkSnsUrl(const std::string& url, const HostPattern& hosts, UrlUse use,
                                     std::string& problem)
{
    if (url.size() > kMaxUrl || !printableAscii(url)) {
        problem = "not a printable URL of at most 2048 bytes";
        return std::nullopt;
    }
    if (Poco::icompare(url.substr(0, kScheme.size()), std::string(kScheme)) != 0) {
        problem = "not https";
        return std::nullopt;
    }
    // Checked on the text itself, before any parser gets to interpret it.
    const std::string_view rest = std::string_view(url).substr(kScheme.size());
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    // "host:" (an empty port, the default to RFC 3986) is refused too: plain forms only.
    if (!plainAuthority(authority) || authority.back() == ':') {
        problem = "the host part holds more than a host and a port";
        return std::nullopt;
    }
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception&) {
        problem = "not a URL";
        return std::nullopt;
    }
    if (uri.getScheme() != "https" || !uri.getUserInfo().empty() || uri.getHost().empty()) {
        problem = "not https://HOST/";
        return std::nullopt;
    }
    std::string host = Poco::toLower(uri.getHost());
    // An explicit port of 0 (or one Poco cannot read) is never a server's.
    const unsigned short port = uri.getPort();
    if (port == 0) {
        problem = "no usable port";
        return std::nullopt;
    }
    if (port != 443)
        host += ":" + std::to_string(port);
    if (!hosts.matches(host)) {
        problem = "host not allowed by web.sns.certHostPattern";
        return std::nullopt;
    }
    if (use == UrlUse::SigningCertificate &&
        (!endsWith(uri.getPath(), ".pem") || !uri.getRawQuery().empty() || !uri.getFragment().empty() ||
         url.find_first_of("?#") != std::string::npos)) {
        problem = "not a .pem path without a query";
        return std::nullopt;
    }
    problem.clear();
    return uri;
}

} // namespace verpmail::web
