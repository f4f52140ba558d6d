// PolicySession: Postfix's policy delegation (check_policy_service) on one connection.
//
//   LineChannel channel(stream);
//   PolicySession(channel, desk, settings, "127.0.0.1:40312", log).run();
//
// At RCPT time, a recipient at the bounce domain is looked up: one that cannot be
// ours is refused there (550 5.1.1), before Postfix queues anything. Everything
// else is DUNNO: other domains, other protocol states, a lookup that cannot be made
// (the database is down), and a malformed request (after which the connection is
// closed). The action texts come from ReturnContract.
#pragma once

#include "ReturnDesk.h"
#include "lmtp/LineChannel.h"
#include "lmtp/ServerSettings.h"

#include <Poco/Logger.h>

#include <string>
#include <string_view>

namespace verpmail {

class PolicySession
{
public:
    /// What its server is called in the log.
    static constexpr const char* kName = "policy";

    PolicySession(LineChannel& channel, ReturnDesk& desk, const PolicyServiceSettings& settings, std::string client,
                  Poco::Logger& log);

    /// Answers requests until the client closes. @throws Poco::Exception when a write fails.
    void run();

private:
    std::string answer(std::string_view protocolState, const std::string& recipient);
    bool atBounceDomain(std::string_view recipient) const;

    LineChannel& _channel;
    ReturnDesk& _desk;
    const PolicyServiceSettings& _settings;
    const std::string _client;
    Poco::Logger& _log;
};

} // namespace verpmail
