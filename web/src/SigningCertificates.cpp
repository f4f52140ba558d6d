#include "SigningCertificates.h"

#include "verpmail/util/Printable.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <sstream>

namespace verpmail::web {

SigningCertificates::SigningCertificates(HttpsFetcher& fetcher, std::size_t capacity, Clock::duration lifetime)
    : _fetcher(fetcher), _capacity(std::max<std::size_t>(1, capacity)), _lifetime(lifetime)
{
}

SigningCertificates::Certificate SigningCertificates::get(const Poco::URI& url, Clock::time_point now,
                                                          std::string& problem, bool* fetchFailed)
{
    const std::string key = url.toString();
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        const auto found = _kept.find(key);
        if (found != _kept.end()) {
            if (now - found->second.fetched < _lifetime)
                return found->second.certificate;
            _kept.erase(found);
        }
    }

    std::string pem;
    try {
        pem = _fetcher.get(url, kMaxCertificateBytes);
    } catch (const FetchFailed& e) {
        problem = "cannot fetch the signing certificate: " + printable(e.what(), 300);
        if (fetchFailed)
            *fetchFailed = true;
        return nullptr;
    }
    Certificate certificate;
    try {
        std::istringstream in(pem);
        certificate = std::make_shared<const Poco::Crypto::X509Certificate>(in);
    } catch (const Poco::Exception& e) {
        problem = "the signing certificate is not PEM: " + printable(e.displayText(), 200);
        return nullptr;
    }

    const std::lock_guard<std::mutex> lock(_mutex);
    if (_kept.size() >= _capacity && !_kept.count(key)) {
        const auto oldest = std::min_element(_kept.begin(), _kept.end(), [](const auto& a, const auto& b) {
            return a.second.fetched < b.second.fetched;
        });
        _kept.erase(oldest);
    }
    _kept[key] = Kept{certificate, now};
    return certificate;
}

std::size_t SigningCertificates::size() const
{
    const std::lock_guard<std::mutex> lock(_mutex);
    return _kept.size();
}

} // namespace verpmail::web
