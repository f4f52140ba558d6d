// HttpsFetcher: GET over HTTPS for the SNS webhook (signing certificates, and the
// SubscribeURL that confirms a subscription), behind an interface so that the
// webhook is tested without a network.
//
//   PocoHttpsFetcher fetcher(settings.sns.caFile, std::chrono::seconds(10));
//   std::string body = fetcher.get(uri, 64 * 1024);   // throws FetchFailed
//
// PocoHttpsFetcher verifies the server's chain against caFile (a PEM file or a
// directory of hashed certificates; "": the system's trust store) and the URL's
// host against the certificate (OpenSSL's host or IP address check, during the
// handshake, before the request is sent), speaks TLS 1.2 or later, follows no
// redirect, and takes only a 200. Every step is bounded: connecting, each send and
// receive by the time-out, the whole exchange by twice it, the body by maxBytes.
// Nothing global is used: Poco's SSLManager and its certificate handlers play no
// part in the verification.
#pragma once

#include <Poco/URI.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace verpmail::web {

/// The GET did not give a 200 with a body within bounds from a verified server.
class FetchFailed : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class HttpsFetcher
{
public:
    virtual ~HttpsFetcher() = default;

    /// The body of a 200 answer to GET uri (an https URL). @throws FetchFailed.
    virtual std::string get(const Poco::URI& uri, std::size_t maxBytes) = 0;
};

/// Loads caFile ("": the system's store) as a fetch would, so that a bad one stops
/// the start rather than every delivery. @throws FetchFailed saying why.
void checkTrustStore(const std::string& caFile);

class PocoHttpsFetcher : public HttpsFetcher
{
public:
    /// The SSL library must be initialised (SslLibrary) while it fetches.
    PocoHttpsFetcher(std::string caFile, std::chrono::seconds timeout);

    std::string get(const Poco::URI& uri, std::size_t maxBytes) override;

private:
    const std::string _caFile;
    const std::chrono::seconds _timeout;
};

} // namespace verpmail::web
