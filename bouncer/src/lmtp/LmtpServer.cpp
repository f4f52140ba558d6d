#include "lmtp/LmtpServer.h"

#include "lmtp/LmtpSession.h"

namespace verpmail {

LmtpServer::LmtpServer(LmtpSettings settings, ReturnDesk& desk, Poco::Logger& log)
    : _settings(std::move(settings)),
      _server("lmtp", _settings.server,
              [this, &desk, &log](LineChannel& channel, const std::string& client) {
                  LmtpSession(channel, desk, _settings, client, log).run();
              },
              log)
{
}

} // namespace verpmail
