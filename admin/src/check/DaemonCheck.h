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

/// The start of an SMTP or LMTP dialogue: the greeting, one hello, QUIT.
struct HelloExchange
{
    int greeted = 0;   ///< the greeting's code (220)
    int answered = 0;  ///< the hello's code (250)
    std::string greeting;
    std::string reply;  ///< every line of the hello's reply, codes included, joined by \n

    std::string codes() const { return std::to_string(greeted) + "/" + std::to_string(answered); }
};

/// Connects to address ("host:port", "/path"), reads the greeting, sends hello
/// ("EHLO name", "LHLO name"), reads its reply and says QUIT. 5 s time-outs.
/// @throws Poco::Exception when the server cannot be reached or stops answering
HelloExchange exchangeHello(const std::string& address, const std::string& hello);

/// "unix:/p" -> "/p", "inet:h:p" -> "h:p" (what Poco's SocketAddress reads); "" when neither.
std::string socketAddressText(const std::string& listen);

} // namespace verpmail::check
