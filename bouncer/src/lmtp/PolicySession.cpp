#include "lmtp/PolicySession.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/util/Printable.h"

#include <utility>
#include <vector>

namespace verpmail {
namespace {

// Postfix sends some 35 attributes of a few dozen bytes; certificate subjects and
// SASL names are the long ones. These bounds leave ample room and no more.
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kMaxAttributes = 100;
constexpr std::size_t kMaxRequestBytes = 64 * 1024;

constexpr std::string_view kDunno = "DUNNO";

/// One request of Postfix's policy delegation protocol (SMTPD_POLICY_README): its
/// "name=value" lines, in the order sent.
using PolicyRequest = std::vector<std::pair<std::string, std::string>>;

/// The value of the first attribute called `name`, "" if absent.
std::string_view attribute(const PolicyRequest& request, std::string_view name)
{
    for (const auto& [key, value] : request)
        if (key == name)
            return value;
    return {};
}

enum class PolicyRead
{
    Complete,   ///< a well-formed request ended by its empty line
    Malformed,  ///< bad or oversized: answer DUNNO and close the connection
    End,        ///< the client closed (or went idle) between or inside requests
};

/// Reads one request up to its empty line. Whatever exceeds the bounds above, or is
/// not "name=value", makes it Malformed (never an exception).
PolicyRead readRequest(LineChannel& channel, PolicyRequest& request)
{
    request.clear();
    std::size_t total = 0;
    std::string line;
    for (;;) {
        const LineChannel::Line got = channel.readLine(line, kMaxLineBytes);
        if (got == LineChannel::Line::End)
            return PolicyRead::End;
        if (got == LineChannel::Line::TooLong)
            return PolicyRead::Malformed;
        if (line.empty())
            return request.empty() ? PolicyRead::Malformed : PolicyRead::Complete;
        total += line.size();
        const std::size_t equals = line.find('=');
        if (equals == 0 || equals == std::string::npos || total > kMaxRequestBytes || request.size() >= kMaxAttributes)
            return PolicyRead::Malformed;
        request.emplace_back(line.substr(0, equals), line.substr(equals + 1));
    }
}

void send(LineChannel& channel, std::string_view action)
{
    channel.write("action=" + std::string(action) + "\n\n");
}

} // namespace

PolicySession::PolicySession(LineChannel& channel, ReturnDesk& desk, const PolicyServiceSettings& settings,
                             std::string client, Poco::Logger& log)
    : _channel(channel), _desk(desk), _settings(settings), _client(std::move(client)), _log(log)
{
}

void PolicySession::run()
{
    PolicyRequest request;
    for (;;) {
        const PolicyRead got = readRequest(_channel, request);
        if (got == PolicyRead::End)
            break;
        // Only smtpd(8)'s requests are understood; anything else is malformed too.
        if (got == PolicyRead::Malformed || attribute(request, "request") != "smtpd_access_policy") {
            // Never a refusal for what we could not read: the mail may well be ours.
            _log.warning("policy: client=" + _client + " status=malformed action=DUNNO");
            send(_channel, kDunno);
            break;
        }
        send(_channel, answer(attribute(request, "protocol_state"), std::string(attribute(request, "recipient"))));
    }
    _channel.flush();
}

std::string PolicySession::answer(std::string_view protocolState, const std::string& recipient)
{
    if (!bounce::iequals(protocolState, "RCPT") || !atBounceDomain(recipient))
        return std::string(kDunno);
    std::string detail;
    const RecipientStatus status = _desk.checkRecipient(recipient, detail);
    const std::string action = policyAction(status);
    const char* name = status == RecipientStatus::Ours ? "ours" : status == RecipientStatus::NotOurs ? "refused" : "unknown";
    _log.information("policy: client=" + _client + " to=<" + printable(recipient, 254) + "> status=" + name +
                     (detail.empty() ? "" : " detail=\"" + printable(detail, 200) + "\"") + " action=" +
                     printable(action, 300));
    return action;
}

bool PolicySession::atBounceDomain(std::string_view recipient) const
{
    const std::size_t at = recipient.rfind('@');
    if (at == std::string_view::npos)
        return false;
    const std::string_view domain = recipient.substr(at + 1);
    for (const std::string& bounceDomain : _settings.bounceDomains)
        if (bounce::iequals(domain, bounceDomain))
            return true;
    return false;
}

} // namespace verpmail
