// LmtpService: verpmail-bouncer --lmtp, the long-running way in.
//
// Starts the LMTP server (bouncer.lmtp.listen) and the Postfix policy service
// (bouncer.policy.listen) over one WarmDesk, then waits for SIGTERM or SIGINT and
// stops both, letting every transaction in hand commit and answer first. Runs in
// the foreground (systemd Type=exec, or any supervisor); logs go to syslog LOG_MAIL
// unless logging.* keys say otherwise, and start-up errors to stderr as well.
#pragma once

#include <string>
#include <vector>

namespace verpmail {

class ProgramBase;

/// Exit 0 after a stop request, 78 when the configuration is unusable or an address
/// cannot be listened on, 64 on usage errors. Never throws.
int runLmtpService(ProgramBase& program, const std::vector<std::string>& args);

} // namespace verpmail
