// PolicyServer: the Postfix policy service (check_policy_service) that refuses, at
// SMTP time, recipients at the bounce domain that cannot be ours.
//
//   PolicyServer policy(settings, desk, log);   // binds (throws ListenError)
//   policy.start();
//   ...
//   policy.stop();
//
// Usually on inet:127.0.0.1:PORT, since smtpd(8) may run chrooted where a unix
// socket path outside the queue directory cannot be reached. Each connection is a
// PolicySession. The desk must outlive the server.
#pragma once

#include "ReturnDesk.h"
#include "lmtp/ServerSettings.h"
#include "lmtp/SessionServer.h"

#include <Poco/Logger.h>

#include <string>
#include <vector>

namespace verpmail {

class PolicyServer
{
public:
    /// @throws ListenError when an address cannot be listened on.
    PolicyServer(PolicyServiceSettings settings, ReturnDesk& desk, Poco::Logger& log);

    void start() { _server.start(); }
    void stop() { _server.stop(); }
    std::vector<std::string> addresses() const { return _server.addresses(); }

private:
    const PolicyServiceSettings _settings;
    SessionServer _server;
};

} // namespace verpmail
