// ServerSettings: what the LMTP server and the policy service are told by configuration.
//
// Plain structs: LmtpService fills them from the bouncer.lmtp.* and bouncer.policy.*
// keys (parseListenList turns a key's text into addresses, or says it cannot).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

struct ListenAddress
{
    enum class Kind { Unix, Inet };
    Kind kind = Kind::Unix;
    std::string where;  ///< the socket's path, or "host:port" ("[::1]:24" for IPv6)

    /// "unix:/path" or "inet:host:port", as configured.
    std::string text() const;
};

/// "unix:/absolute/path" or "inet:host:port"; nullopt for anything else.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

/// A comma-separated list of addresses (blanks around items ignored); an empty text
/// is an empty list; nullopt if any item is invalid.
std::optional<std::vector<ListenAddress>> parseListenList(std::string_view text);

/// How one server listens and how long it waits.
struct ListenerSettings
{
    std::vector<ListenAddress> listen;
    /// Mode of a unix socket. Postfix's lmtp(8) client and smtpd(8) run as user
    /// postfix: give the socket a group Postfix is in (socketGroup) with 0660, or use
    /// 0666 inside a directory only Postfix and verpmail can enter (0750, group postfix).
    unsigned socketMode = 0660;
    std::string socketGroup;  ///< group of a unix socket; "" keeps the process's group
    unsigned threads = 8;     ///< connections served at once
    unsigned queued = 64;     ///< accepted connections waiting for a thread; more are closed
    unsigned idleTimeoutSeconds = 300;  ///< per read and write (Postfix's own are ~300 s)
};

struct LmtpSettings
{
    ListenerSettings server;
    std::string hostname = "localhost";        ///< in the greeting and the LHLO reply
    std::size_t maxMessageBytes = 10485760;    ///< kept of each message; the rest is counted
    std::size_t maxRecipients = 1000;          ///< per transaction; more get 452 (Postfix retries them)
};

struct PolicyServiceSettings
{
    ListenerSettings server;
    /// Recipients at these domains (ignoring case) are checked; any other gets DUNNO.
    std::vector<std::string> bounceDomains;
};

} // namespace verpmail
