// DaemonSettings: the keys only verpmail-bouncerd reads, with their defaults.
//
// They follow ConfigKeys.h's form; they live here until the daemon is the default
// way to run the bouncer, then they move there (and into keys::kAll).
#pragma once

#include "verpmail/config/ConfigKeys.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <string>

namespace verpmail {

namespace keys {
// clang-format off
inline constexpr Key kBouncerSocket     {"bouncer.socket",      "/run/verpmail/bouncerd.sock", "unix socket verpmail-bouncerd listens on (mode 0660) and verpmail-bouncer-client connects to"};
inline constexpr Key kBouncerWorkers    {"bouncer.workers",     "4",                    "verpmail-bouncerd worker threads, each with its own database connection"};
inline constexpr Key kBouncerReadTimeout{"bouncer.readTimeout", "10",                   "seconds a client has to send its whole request to verpmail-bouncerd"};
// clang-format on
inline constexpr const Key* kDaemon[] = {&kBouncerSocket, &kBouncerWorkers, &kBouncerReadTimeout};
} // namespace keys

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
