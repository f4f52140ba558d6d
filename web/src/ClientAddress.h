// ClientAddress: who is asking, for the rate limit, the log and the audit row.
//
//   TrustedProxies proxies = *TrustedProxies::parse("127.0.0.1, 10.0.0.0/8", problem);
//   std::string client = resolveClientAddress(peer, {"198.51.100.7, 10.0.0.3"}, proxies);
//
// The client is the peer of the connection, unless the peer is a reverse proxy we
// trust (web.trustedProxies): then it is the address that proxy appended to
// X-Forwarded-For, the last entry (walking further back only through proxies we
// trust). Entries before that are whatever the client sent and are never believed.
// Bad input is a value: an unparsable entry stops the walk at the last trusted hop.
#pragma once

#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::web {

class TrustedProxies
{
public:
    /// No proxy is trusted.
    TrustedProxies() = default;

    /// "192.0.2.1, 10.0.0.0/8, ::1, 2001:db8::/32" (blanks and empty items ignored; an
    /// empty text trusts none). nullopt, with `problem` naming the bad item, otherwise.
    static std::optional<TrustedProxies> parse(std::string_view text, std::string& problem);

    bool contains(const Poco::Net::IPAddress& address) const;
    bool empty() const { return _ranges.empty(); }

private:
    struct Range
    {
        Poco::Net::IPAddress network;
        unsigned prefixBits = 0;
    };
    std::vector<Range> _ranges;
};

/// An address as a client or proxy writes it: "192.0.2.7", "2001:db8::1",
/// "[2001:db8::1]:443", "192.0.2.7:80"; an IPv4-mapped IPv6 address becomes IPv4.
/// nullopt for anything else ("unknown", names, garbage).
std::optional<Poco::Net::IPAddress> parseForwardedAddress(std::string_view text);

/// ::ffff:192.0.2.7 as 192.0.2.7 (a dual-stack listener reports IPv4 peers so).
Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address);

/// The client's address as text. `forwardedFor` holds the X-Forwarded-For fields of
/// the request in the order received (each may list several addresses).
std::string resolveClientAddress(const Poco::Net::IPAddress& peer, const std::vector<std::string>& forwardedFor,
                                 const TrustedProxies& trusted);

/// The key of a client's rate-limit bucket: the address itself for IPv4, its /64 for
/// IPv6 (one subscriber's network; a single host can take any address in it).
std::string rateLimitKey(const std::string& clientAddress);

} // namespace verpmail::web
