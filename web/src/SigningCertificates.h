// SigningCertificates: the SNS signing certificates, fetched once and kept.
//
//   SigningCertificates certificates(fetcher);
//   std::string problem;
//   auto certificate = certificates.get(uri, SigningCertificates::Clock::now(), problem);
//   if (!certificate) refuse (problem says why)
//
// The URL must have passed checkSnsUrl (SnsUrls.h). The certificate is fetched with
// the HttpsFetcher (a verified TLS server, at most kMaxCertificateBytes), read as PEM
// (the first certificate) and kept by URL for `lifetime` (24 hours): SNS signs with
// a few certificates, so a busy topic costs one fetch a day. At most `capacity` are
// kept; the one fetched longest ago goes first. A failed fetch is not kept: the next
// message tries again. Whether a certificate is valid now is the caller's question
// (validAt), asked at every use. Thread-safe; a fetch runs outside the lock.
#pragma once

#include "HttpsFetcher.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace verpmail::web {

class SigningCertificates
{
public:
    using Clock = std::chrono::steady_clock;
    using Certificate = std::shared_ptr<const Poco::Crypto::X509Certificate>;

    static constexpr std::size_t kMaxCertificateBytes = 64 * 1024;
    static constexpr std::size_t kDefaultCapacity = 32;
    static constexpr std::chrono::hours kDefaultLifetime{24};

    /// `fetcher` must outlive this.
    explicit SigningCertificates(HttpsFetcher& fetcher, std::size_t capacity = kDefaultCapacity,
                                 Clock::duration lifetime = kDefaultLifetime);

    /// The certificate at `url`, kept or fetched now; null with `problem` set when it
    /// cannot be had (the fetch failed, or the body holds no PEM certificate).
    /// `fetchFailed`, when given, says which: a failed fetch is worth a retry.
    Certificate get(const Poco::URI& url, Clock::time_point now, std::string& problem, bool* fetchFailed = nullptr);

    /// Certificates kept (for tests and the bound).
    std::size_t size() const;

private:
    struct Kept
    {
        Certificate certificate;
        Clock::time_point fetched;
    };

    HttpsFetcher& _fetcher;
    const std::size_t _capacity;
    const Clock::duration _lifetime;
    mutable std::mutex _mutex;
    std::map<std::string, Kept> _kept;
};

} // namespace verpmail::web
