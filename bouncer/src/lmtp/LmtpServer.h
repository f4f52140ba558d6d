// LmtpServer: `verpmail-bouncer --lmtp`, the LMTP server for Postfix's lmtp(8) client.
//
//   LmtpServer lmtp(settings, desk, log);   // binds (throws ListenError)
//   lmtp.start();
//   ... wait for SIGTERM/SIGINT ...
//   lmtp.stop();                             // finishes busy sessions first
//
// Each connection is an LmtpSession; settings.server says where it listens, with how
// many threads and which idle time-out. The desk must outlive the server.
#pragma once

#include "ReturnDesk.h"
#include "lmtp/ServerSettings.h"
#include "lmtp/SessionServer.h"

#include <Poco/Logger.h>

#include <string>
#include <vector>

namespace verpmail {

class LmtpServer
{
public:
    /// @throws ListenError when an address cannot be listened on.
    LmtpServer(LmtpSettings settings, ReturnDesk& desk, Poco::Logger& log);

    void start() { _server.start(); }
    void stop() { _server.stop(); }
    std::vector<std::string> addresses() const { return _server.addresses(); }

private:
    const LmtpSettings _settings;
    SessionServer _server;
};

} // namespace verpmail
