#include "ClientAddress.h"

#include <Poco/String.h>

#include <algorithm>
#include <cstring>

namespace verpmail::web {
namespace {

using Poco::Net::IPAddress;

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<IPAddress> parseIp(std::string_view text)
{
    // Only the characters of addresses: Poco would also take "%scope" suffixes and
    // leading blanks, none of which a proxy writes.
    if (text.empty() || text.size() > 45 || text.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
        return std::nullopt;
    IPAddress address;
    if (!IPAddress::tryParse(std::string(text), address))
        return std::nullopt;
    return unmapped(address);
}

/// True when the first `bits` bits of a and b are equal (same family).
bool samePrefix(const IPAddress& a, const IPAddress& b, unsigned bits)
{
    if (a.family() != b.family())
        return false;
    const auto* x = static_cast<const unsigned char*>(a.addr());
    const auto* y = static_cast<const unsigned char*>(b.addr());
    const unsigned whole = bits / 8, rest = bits % 8;
    if (std::memcmp(x, y, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (x[whole] & mask) == (y[whole] & mask);
}

} // namespace

IPAddress unmapped(const IPAddress& address)
{
    if (address.family() != IPAddress::IPv6 || !address.isIPv4Mapped())
        return address;
    const auto* bytes = static_cast<const unsigned char*>(address.addr());
    return IPAddress(bytes + 12, 4);
}

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view text, std::string& problem)
{
    TrustedProxies out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view item = trimmed(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (item.empty())
            continue;
        const std::size_t slash = item.find('/');
        const std::optional<IPAddress> network = parseIp(item.substr(0, slash));
        if (!network) {
            problem = "\"" + std::string(item) + "\" is not an IP address";
            return std::nullopt;
        }
        const unsigned maxBits = network->family() == IPAddress::IPv4 ? 32 : 128;
        unsigned bits = maxBits;
        if (slash != std::string_view::npos) {
            const std::string_view digits = item.substr(slash + 1);
            if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string_view::npos ||
                std::stoul(std::string(digits)) > maxBits) {
                problem = "\"" + std::string(item) + "\" has no valid prefix length (0-" + std::to_string(maxBits) + ")";
                return std::nullopt;
            }
            bits = static_cast<unsigned>(std::stoul(std::string(digits)));
        }
        out._ranges.push_back(Range{*network, bits});
    }
    return out;
}

bool TrustedProxies::contains(const IPAddress& address) const
{
    const IPAddress plain = unmapped(address);
    return std::any_of(_ranges.begin(), _ranges.end(),
                       [&](const Range& r) { return samePrefix(r.network, plain, r.prefixBits); });
}

std::optional<IPAddress> parseForwardedAddress(std::string_view text)
{
    text = trimmed(text);
    if (!text.empty() && text.front() == '[') {
        // "[v6]" or "[v6]:port" (RFC 7239 style, which some proxies also use here).
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view after = text.substr(close + 1);
        if (!after.empty() && (after.front() != ':' || after.size() < 2 ||
                               after.find_first_not_of("0123456789", 1) != std::string_view::npos))
            return std::nullopt;
        return parseIp(text.substr(1, close - 1));
    }
    // One colon is IPv4 with a port; more are an IPv6 address without brackets.
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        const std::string_view port = text.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        text = text.substr(0, colon);
    }
    return parseIp(text);
}

std::string resolveClientAddress(const IPAddress& peer, const std::vector<std::string>& forwardedFor,
                                 const TrustedProxies& trusted)
{
    IPAddress client = unmapped(peer);
    if (trusted.empty())
        return client.toString();
    // The entries, last first: the nearest proxy appended the last one.
    std::vector<std::string_view> entries;
    for (const std::string& field : forwardedFor) {
        std::string_view rest = field;
        while (true) {
            const std::size_t comma = rest.find(',');
            entries.push_back(rest.substr(0, comma));
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    for (auto it = entries.rbegin(); it != entries.rend() && trusted.contains(client); ++it) {
        const std::optional<IPAddress> previous = parseForwardedAddress(*it);
        if (!previous)
            break;  // a trusted proxy wrote garbage: the nearest trusted hop is all we know
        client = *previous;
    }
    return client.toString();
}

std::string rateLimitKey(const std::string& clientAddress)
{
    IPAddress address;
    if (!IPAddress::tryParse(clientAddress, address) || address.family() != IPAddress::IPv6)
        return clientAddress;
    unsigned char bytes[16] = {};
    std::memcpy(bytes, address.addr(), 8);
    return IPAddress(bytes, 16).toString() + "/64";
}

} // namespace verpmail::web
