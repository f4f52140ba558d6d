// PostfixChecks: the Postfix wiring verpmail needs, read through postconf and postmap
// from the configuration directory postfix.configDirectory (default /etc/postfix):
// the transport map sends the bounce domain to a master.cf service; that service is
// the lmtp(8) client (LMTP mode: not chrooted, lmtp_line_length_limit=0, pointing at
// a socket the bouncer listens on; smtpd asks the bouncer's policy service about the
// bounce domain) or pipe(8) (pipe mode: user=, one recipient per delivery).
//
// Also says which mode Postfix is in and, in pipe mode, which user runs the bouncer:
// the file checks test readability as that account.
#pragma once

#include "check/CheckReport.h"
#include "check/Postconf.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail::check {

enum class BouncerMode { Unknown, Lmtp, Pipe };

struct PostfixWiring
{
    BouncerMode mode = BouncerMode::Unknown;
    std::string service;   ///< the transport's master.cf service, e.g. "verpmail-lmtp"
    std::string nexthop;   ///< e.g. "unix:/run/verpmail/lmtp.sock" ("" in pipe mode)
    std::string pipeUser;  ///< pipe mode: the service's user= (without :group)
};

/// What verpmail's configuration says the wiring should be.
struct PostfixExpectations
{
    std::string bounceDomain;
    std::vector<std::string> lmtpListen;  ///< bouncer.lmtp.listen, split at commas
    std::string policyListen;             ///< bouncer.policy.listen ("" : none)
    unsigned bouncerTimeLimit = 60;       ///< bouncer.timeLimit, seconds (pipe mode)
    unsigned lmtpThreads = 10;            ///< bouncer.lmtp.threads (LMTP mode)
};

PostfixWiring checkPostfix(const Postconf& postconf, const PostfixExpectations& want, CheckReport& report);

// The pieces, for the unit tests.

/// "verpmail-lmtp:unix:/run/x.sock" -> {"verpmail-lmtp", "unix:/run/x.sock"}; "verpmail:" -> {"verpmail", ""}.
std::pair<std::string, std::string> splitTransport(const std::string& value);
/// The user= of a pipe service's master.cf line, without ":group"; "" when none.
std::string pipeUserOf(const std::string& masterLine);
/// Whether a Postfix endpoint ("unix:/p", "inet:h:p", "h:p", "[h]:p") names a listen address.
bool sameEndpoint(const std::string& postfixSide, const std::string& listen);
/// Whether restriction text holds "check_policy_service ENDPOINT" for the listen address.
bool mentionsPolicyService(const std::string& restrictions, const std::string& listen);
/// A Postfix time value ("30s", "2m", "1h", "1d", "1w"; no unit: seconds) in seconds;
/// nullopt when it is not one.
std::optional<unsigned long> postfixSeconds(const std::string& value);

} // namespace verpmail::check
