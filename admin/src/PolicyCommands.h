// PolicyCommands: `verpmail-admin policy simulate`: who would change state under a
// proposed policy (the configuration with any --define policy.KEY=VALUE applied),
// with counts and examples. It reads only: nothing is written, so an operator can
// try thresholds before committing them to the properties file.
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// format: "table" or "json". @throws ConfigError, MysqlError.
ExitStatus simulatePolicy(MysqlConnection& db, const Poco::Util::AbstractConfiguration& config, const std::string& format,
                          std::ostream& out);

} // namespace verpmail
