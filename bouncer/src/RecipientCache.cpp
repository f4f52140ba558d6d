#include "RecipientCache.h"

namespace verpmail {

std::optional<std::string> RecipientCache::find(const std::string& localPart)
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

void RecipientCache::remember(const std::string& localPart, const std::string& email)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    // Emptying a full cache costs one lookup per recipient afterwards; ageing each
    // entry out one by one would cost more than it saves at this size.
    if (_entries.size() >= _capacity)
        _entries.clear();
    _entries[localPart] = Entry{email, std::chrono::steady_clock::now() + _lifetime};
}

} // namespace verpmail
