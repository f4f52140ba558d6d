#include "DaemonSettings.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/String.h>

namespace verpmail {
namespace {

long integerOrDefault(const Poco::Util::AbstractConfiguration& config, const keys::Key& key, long min, long max)
{
    if (!config.hasProperty(key.name))
        return std::stol(key.defaultValue);
    return configInteger(config, key.name, min, max);
}

} // namespace

DaemonSettings daemonSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    DaemonSettings d;
    d.socketPath = Poco::trim(config.getString(keys::kBouncerSocket.name, keys::kBouncerSocket.defaultValue));
    // sockaddr_un.sun_path holds 108 bytes with the NUL.
    if (d.socketPath.empty() || d.socketPath.front() != '/' || d.socketPath.size() > 107)
        throw ConfigError("configuration key bouncer.socket = \"" + d.socketPath +
                          "\" must be an absolute path of at most 107 bytes");
    d.workers = static_cast<unsigned>(integerOrDefault(config, keys::kBouncerWorkers, 1, 64));
    d.readTimeoutSeconds = static_cast<unsigned>(integerOrDefault(config, keys::kBouncerReadTimeout, 1, 3600));
    return d;
}

} // namespace verpmail
