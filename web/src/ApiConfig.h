// ApiConfig: the effective configuration GET /api/v1/config shows, taken once at
// start-up from the keys of ConfigKeys.h (kAll), as set or by default.
//
// No value is a secret (ConfigKeys.h: secrets live in files, and a file's path may
// be shown; no file is ever read here). A key whose name says it holds a password
// or a secret itself would be shown as redacted: `secret` true, no value.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::web {

struct ConfigEntry
{
    std::string key;
    std::optional<std::string> value;  ///< nullopt: required and not set, or redacted
    bool isDefault = false;            ///< not set: the default applies
    bool secret = false;               ///< redacted
};

/// Whether a key names a secret value rather than a file holding one.
bool secretBearingKey(std::string_view key);

/// Every key of kAll, in its order.
std::vector<ConfigEntry> effectiveConfig(const Poco::Util::AbstractConfiguration& config);

} // namespace verpmail::web
