#include "lmtp/PolicyServer.h"

#include "lmtp/PolicySession.h"

namespace verpmail {

PolicyServer::PolicyServer(PolicyServiceSettings settings, ReturnDesk& desk, Poco::Logger& log)
    : _settings(std::move(settings)),
      _server("policy", _settings.server,
              [this, &desk, &log](LineChannel& channel, const std::string& client) {
                  PolicySession(channel, desk, _settings, client, log).run();
              },
              log)
{
}

} // namespace verpmail
