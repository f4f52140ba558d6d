// WebService: the life of the verpmail-web server.
//
// Blocks SIGTERM and SIGINT (so that only the main thread takes them), reads and
// checks the configuration, the unsubscribe key, the TLS certificate and key, the
// SNS webhook's trust store (web.sns.caFile, when web.sns.topicArns is set), probes
// the database, binds web.listen, logs "verpmail-web: listening on URL", then serves
// until SIGTERM or SIGINT: accepting ends, the requests in hand are answered, and it
// returns. Runs in the foreground (systemd Type=exec, or any supervisor).
//
// Failures are exceptions, mapped to exit statuses in one place, WebApp::main:
// WebUsageError (64), ConfigError and ListenError (78), anything else (70).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace verpmail {
class ProgramBase;
}

namespace verpmail::web {

/// The command line or the way the program was started is wrong (arguments, root).
class WebUsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Serves until asked to stop; returns normally after a stop request.
/// @throws WebUsageError, ConfigError, ListenError.
void runWebService(ProgramBase& program, const std::vector<std::string>& args);

} // namespace verpmail::web
