// DaemonCheck: in LMTP mode, `verpmail-bouncer --lmtp` answers on each of its LMTP
// addresses (greeting, LHLO, QUIT) and its policy service answers a request, as
// Postfix's lmtp(8) and smtpd(8) would talk to them.
#pragma once

#include "check/CheckReport.h"

#include <string>
#include <vector>

namespace verpmail::check {

/// @param lmtpListen   bouncer.lmtp.listen, split at commas ("unix:/p", "inet:h:p")
/// @param policyListen bouncer.policy.listen ("" : none)
/// @param bounceDomain the recipient domain of the policy request
void checkDaemon(const std::vector<std::string>& lmtpListen, const std::string& policyListen,
                 const std::string& bounceDomain, CheckReport& report);

/// "unix:/p" -> "/p", "inet:h:p" -> "h:p" (what Poco's SocketAddress reads); "" when neither.
std::string socketAddressText(const std::string& listen);

} // namespace verpmail::check
