#include "ApiConfig.h"

#include "verpmail/config/ConfigKeys.h"

#include <algorithm>
#include <cctype>

namespace verpmail::web {

bool secretBearingKey(std::string_view key)
{
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // A path to a file is shown: "passwordFile", "keyFile", "authFile".
    if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, "file") == 0)
        return false;
    for (const char* word : {"password", "secret", "passphrase"})
        if (lower.find(word) != std::string::npos)
            return true;
    return false;
}

std::vector<ConfigEntry> effectiveConfig(const Poco::Util::AbstractConfiguration& config)
{
    std::vector<ConfigEntry> out;
    for (const keys::Key* k : keys::kAll) {
        ConfigEntry entry;
        entry.key = k->name;
        entry.isDefault = !config.hasProperty(k->name);
        if (secretBearingKey(k->name))
            entry.secret = true;
        else if (!entry.isDefault)
            entry.value = config.getRawString(k->name);
        else if (k->defaultValue)
            entry.value = std::string(k->defaultValue);
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace verpmail::web
