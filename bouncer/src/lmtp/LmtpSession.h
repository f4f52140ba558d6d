// LmtpSession: the RFC 2033 dialogue of one connection from Postfix's lmtp(8) client.
//
//   LineChannel channel(stream);
//   LmtpSession session(channel, desk, settings, "unix", log);
//   session.run();   // until QUIT, the end of the input or the idle time-out
//
// Per recipient it answers 250 only after the desk has stored the return, 4xx for
// whatever a retry could cure, and 5xx at RCPT for an address that cannot be ours.
// The recipient and data replies come from ReturnContract; the protocol's own
// replies (syntax, order) are here. Memory is bounded: command lines, recipients
// and message bytes all have limits.
#pragma once

#include "IncomingMessage.h"
#include "ReturnDesk.h"
#include "lmtp/LineChannel.h"
#include "lmtp/ServerSettings.h"

#include <Poco/Logger.h>

#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class LmtpSession
{
public:
    /// What its server is called in the log.
    static constexpr const char* kName = "lmtp";

    /// `client` names the peer in the log ("unix", "127.0.0.1:40312").
    LmtpSession(LineChannel& channel, ReturnDesk& desk, const LmtpSettings& settings, std::string client,
                Poco::Logger& log);

    /// Serves the connection to its end. @throws Poco::Exception when a write fails.
    void run();

private:
    enum class Next { Continue, Quit };

    Next handle(std::string_view line);
    void lhlo(std::string_view argument);
    void mail(std::string_view argument);
    void rcpt(std::string_view argument);
    Next data(std::string_view argument);
    void deliver(IncomingMessage& message);
    void resetTransaction();
    void reply(std::string_view line);
    void protocolError(std::string_view line);
    void logRecipient(std::string_view recipient, std::string_view status, std::string_view answer);

    LineChannel& _channel;
    ReturnDesk& _desk;
    const LmtpSettings& _settings;
    const std::string _client;
    Poco::Logger& _log;

    bool _greeted = false;      ///< LHLO seen
    bool _inTransaction = false;  ///< MAIL accepted
    std::string _sender;
    std::vector<std::string> _recipients;  ///< accepted, in RCPT order
    unsigned _protocolErrors = 0;
};

} // namespace verpmail
