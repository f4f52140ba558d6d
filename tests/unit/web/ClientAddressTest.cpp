// ClientAddress: who the client is, behind trusted proxies or not, and the key of its
// rate-limit bucket.
#include "ClientAddress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace verpmail::web {
namespace {

using Poco::Net::IPAddress;

TrustedProxies trusted(const std::string& text)
{
    std::string problem;
    const std::optional<TrustedProxies> parsed = TrustedProxies::parse(text, problem);
    EXPECT_TRUE(parsed) << text << ": " << problem;
    return parsed.value_or(TrustedProxies());
}

TEST(WebClientAddress, TrustedProxiesParseAddressesAndNetworks)
{
    const TrustedProxies proxies = trusted(" 127.0.0.1, 10.0.0.0/8 ,,2001:db8::/32, ::1 ");
    const struct
    {
        const char* address;
        bool want;
    } rows[] = {
        {"127.0.0.1", true},     {"127.0.0.2", false},      {"10.255.0.9", true},  {"11.0.0.1", false},
        {"2001:db8:ff::1", true}, {"2001:db9::1", false},   {"::1", true},         {"::2", false},
        {"::ffff:10.1.2.3", true},  // a dual-stack listener's view of an IPv4 peer
    };
    for (const auto& row : rows)
        EXPECT_EQ(proxies.contains(IPAddress(row.address)), row.want) << row.address;
    EXPECT_TRUE(trusted("").empty());
    EXPECT_TRUE(trusted(" , ").empty());
    EXPECT_TRUE(trusted("0.0.0.0/0").contains(IPAddress("203.0.113.9")));
    EXPECT_FALSE(trusted("0.0.0.0/0").contains(IPAddress("2001:db8::1"))) << "an IPv4 network holds no IPv6 address";
}

TEST(WebClientAddress, BadProxyItemsAreRefusedWithTheItemNamed)
{
    const char* bad[] = {"proxy.example.org", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x",
                         "1.2.3.4 5.6.7.8", "fe80::1%eth0", "10.0.0.0/8/8", "[::1]"};
    for (const char* text : bad) {
        std::string problem;
        EXPECT_FALSE(TrustedProxies::parse(std::string("127.0.0.1, ") + text, problem)) << text;
        EXPECT_NE(problem.find(text), std::string::npos) << "problem names the item: " << problem;
    }
}

TEST(WebClientAddress, ForwardedEntriesAsProxiesWriteThem)
{
    const struct
    {
        const char* text;
        const char* want;  ///< "" for none
    } rows[] = {
        {"198.51.100.7", "198.51.100.7"},
        {" 198.51.100.7 ", "198.51.100.7"},
        {"198.51.100.7:4711", "198.51.100.7"},
        {"2001:db8::7", "2001:db8::7"},
        {"[2001:db8::7]", "2001:db8::7"},
        {"[2001:db8::7]:443", "2001:db8::7"},
        {"::ffff:198.51.100.7", "198.51.100.7"},
        {"unknown", ""},
        {"", ""},
        {"198.51.100.7:", ""},
        {"198.51.100.7:http", ""},
        {"[2001:db8::7", ""},
        {"[2001:db8::7]x", ""},
        {"client.example.org", ""},
        {"198.51.100.7\r\nX-Evil: 1", ""},
    };
    for (const auto& row : rows) {
        const std::optional<IPAddress> got = parseForwardedAddress(row.text);
        EXPECT_EQ(got ? got->toString() : std::string(), row.want) << "parseForwardedAddress(\"" << row.text << "\")";
    }
}

TEST(WebClientAddress, ThePeerUnlessItIsATrustedProxy)
{
    const TrustedProxies none;
    const TrustedProxies local = trusted("127.0.0.1, 10.0.0.0/8");
    const IPAddress proxy("127.0.0.1"), stranger("203.0.113.5");
    const struct
    {
        const char* name;
        const IPAddress& peer;
        const TrustedProxies& trusted;
        std::vector<std::string> xff;
        const char* want;
    } rows[] = {
        {"no proxy trusted: the header is ignored", proxy, none, {"198.51.100.7"}, "127.0.0.1"},
        {"an untrusted peer's header is ignored", stranger, local, {"198.51.100.7"}, "203.0.113.5"},
        {"a trusted proxy: its last entry", proxy, local, {"192.0.2.1, 198.51.100.7"}, "198.51.100.7"},
        {"the last field's last entry", proxy, local, {"192.0.2.1", "192.0.2.2, 198.51.100.8"}, "198.51.100.8"},
        {"a chain of trusted proxies is walked back", proxy, local, {"198.51.100.9, 10.1.1.1"}, "198.51.100.9"},
        {"what the client wrote before is never believed", proxy, local, {"10.0.0.1, 198.51.100.7"},
         "198.51.100.7"},
        {"garbage from the proxy: the proxy", proxy, local, {"unknown"}, "127.0.0.1"},
        {"garbage further back: the last trusted hop", proxy, local, {"junk, 10.2.2.2"}, "10.2.2.2"},
        {"no header: the proxy", proxy, local, {}, "127.0.0.1"},
        {"an empty header: the proxy", proxy, local, {""}, "127.0.0.1"},
        {"IPv6 client", proxy, local, {"[2001:db8::1]:5555"}, "2001:db8::1"},
    };
    for (const auto& row : rows)
        EXPECT_EQ(resolveClientAddress(row.peer, row.xff, row.trusted), row.want) << row.name;
    EXPECT_EQ(resolveClientAddress(IPAddress("::ffff:127.0.0.1"), {"198.51.100.7"}, local), "198.51.100.7")
        << "a mapped peer address is the IPv4 one";
}

TEST(WebClientAddress, RateLimitKeyIsTheIpv6Slash64)
{
    EXPECT_EQ(rateLimitKey("198.51.100.7"), "198.51.100.7");
    EXPECT_EQ(rateLimitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(rateLimitKey("2001:db8:1:2::9"), rateLimitKey("2001:db8:1:2:ffff::1"));
    EXPECT_NE(rateLimitKey("2001:db8:1:2::9"), rateLimitKey("2001:db8:1:3::9"));
}

} // namespace
} // namespace verpmail::web
