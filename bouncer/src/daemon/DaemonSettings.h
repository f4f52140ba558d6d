// DaemonSettings: the keys only verpmail-bouncerd reads (bouncer.socket, .workers,
// .readTimeout; defaults in ConfigKeys.h), checked.
#pragma once

#include "verpmail/config/ConfigKeys.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <string>

namespace verpmail {

struct DaemonSettings
{
    std::string socketPath;
    unsigned workers = 4;
    unsigned readTimeoutSeconds = 10;
};

/// Reads the bouncer.socket / .workers / .readTimeout keys (defaults when absent).
/// @throws ConfigError naming the key.
DaemonSettings daemonSettingsFrom(const Poco::Util::AbstractConfiguration& config);

} // namespace verpmail
