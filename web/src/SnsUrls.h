// SnsUrls: which URLs from an SNS message verpmail-web will fetch.
//
//   const HostPattern hosts(settings.sns.certHostPattern);   // compiled once
//   std::string problem;
//   std::optional<Poco::URI> url = checkSnsUrl(m.signingCertUrl, hosts, UrlUse::SigningCertificate, problem);
//
// The URL comes from the (not yet verified) message, so anyone can write it; it is
// fetched only when it is https://HOST[:PORT]/PATH with a host the pattern allows:
// - the scheme is https, written in full at the start (no scheme-relative or other);
// - the authority is only letters, digits, '.', '-', ':', '[' and ']': no userinfo
//   ("https://sns.us-east-1.amazonaws.com@evil.example/"), no %-escapes, no
//   backslashes, nothing an URL parser could read two ways;
// - the lower-case host matches the pattern (web.sns.certHostPattern), or host:port
//   when the URL names a port other than 443, so the default pattern allows port
//   443 only;
// - a signing certificate's path ends in ".pem" and it has no query or fragment;
// - at most 2048 bytes of printable ASCII.
// Whoever serves such a host must also prove it over TLS (HttpsFetcher).
#pragma once

#include <Poco/RegularExpression.h>
#include <Poco/URI.h>

#include <memory>
#include <optional>
#include <string>

namespace verpmail::web {

/// web.sns.certHostPattern, compiled. Thread-safe (matching keeps no state).
class HostPattern
{
public:
    /// @throws Poco::RegularExpressionException for a bad pattern (WebSettings checks it first).
    explicit HostPattern(const std::string& pattern);

    bool matches(const std::string& host) const;

private:
    std::shared_ptr<const Poco::RegularExpression> _expression;
};

enum class UrlUse
{
    SigningCertificate,  ///< SigningCertURL: path *.pem, no query
    Subscription,        ///< SubscribeURL: any path and query
};

/// The URL, parsed, when it may be fetched; nullopt and `problem` (short) else.
/// Never throws.
std::optional<Poco::URI> checkSnsUrl(const std::string& url, const HostPattern& hosts, UrlUse use,
                                     std::string& problem);

} // namespace verpmail::web
