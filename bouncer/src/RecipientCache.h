// RecipientCache: the members behind VERP local parts looked up a moment ago.
//
// Over LMTP one return is looked up three times: by smtpd's policy check, at RCPT and
// when it is recorded. The answer cannot change (a token is a keyed hash of the
// address, EncodedFROM is unique), so the long-running server keeps the last answers
// for a short while and the later lookups cost no round trip. Only found members are
// kept; the cache is bounded and simply emptied when full.
//
//   RecipientCache cache;
//   cache.remember("sentto-abc...", "member@example.org");
//   std::optional<std::string> email = cache.find("sentto-abc...");
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace verpmail {

class RecipientCache
{
public:
    explicit RecipientCache(std::chrono::seconds lifetime = std::chrono::seconds(300), std::size_t capacity = 20000)
        : _lifetime(lifetime), _capacity(capacity)
    {
    }

    /// The member remembered for this local part, if it is younger than the lifetime.
    std::optional<std::string> find(const std::string& localPart)
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        const auto it = _entries.find(localPart);
        if (it == _entries.end())
            return std::nullopt;
        if (it->second.expires < std::chrono::steady_clock::now()) {
            _entries.erase(it);
            return std::nullopt;
        }
        return it->second.email;
    }

    void remember(const std::string& localPart, const std::string& email)
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        // Emptying a full cache costs one lookup per recipient afterwards; ageing each
        // entry out one by one would cost more than it saves at this size.
        if (_entries.size() >= _capacity)
            _entries.clear();
        _entries[localPart] = Entry{email, std::chrono::steady_clock::now() + _lifetime};
    }

private:
    struct Entry
    {
        std::string email;
        std::chrono::steady_clock::time_point expires;
    };

    const std::chrono::seconds _lifetime;
    const std::size_t _capacity;
    std::mutex _mutex;
    std::unordered_map<std::string, Entry> _entries;
};

} // namespace verpmail
