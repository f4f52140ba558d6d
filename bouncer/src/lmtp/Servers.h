// Servers: the LMTP server and the Postfix policy service of `verpmail-bouncer --lmtp`.
//
//   LmtpServer lmtp(settings, desk, log);        // binds now (throws ListenError)
//   PolicyServer policy(policySettings, desk, log);
//   lmtp.start(); policy.start();
//   ... wait for SIGTERM/SIGINT ...
//   policy.stop(); lmtp.stop();                  // sessions in hand finish first
//
// Each is a SessionServer (settings.server: where it listens, with how many threads
// and which idle time-out) whose connections are sessions of one kind: LmtpSession
// (RFC 2033) or PolicySession (check_policy_service, usually on inet:127.0.0.1:PORT,
// since smtpd(8) may run chrooted). The desk must outlive the server.
#pragma once

#include "ReturnDesk.h"
#include "lmtp/LmtpSession.h"
#include "lmtp/PolicySession.h"
#include "lmtp/ServerSettings.h"
#include "lmtp/SessionServer.h"

#include <Poco/Logger.h>

#include <string>

namespace verpmail {

/// A SessionServer whose connections are Sessions, named Session::kName in the log.
template <typename Session, typename Settings>
class SessionService : public SessionServer
{
public:
    /// @throws ListenError when an address cannot be listened on.
    SessionService(const Settings& settings, ReturnDesk& desk, Poco::Logger& log)
        : SessionServer(
              Session::kName, settings.server,
              [settings, &desk, &log](LineChannel& channel, const std::string& client) {
                  Session(channel, desk, settings, client, log).run();
              },
              log)
    {
    }
};

using LmtpServer = SessionService<LmtpSession, LmtpSettings>;
using PolicyServer = SessionService<PolicySession, PolicyServiceSettings>;

} // namespace verpmail
