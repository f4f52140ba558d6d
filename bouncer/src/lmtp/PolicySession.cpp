#include "lmtp/PolicySession.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

constexpr std::string_view kDunno = "DUNNO";

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
        const PolicyRead got = readPolicyRequest(_channel, request);
        if (got == PolicyRead::End)
            break;
        // Only smtpd(8)'s requests are understood; anything else is malformed too.
        if (got == PolicyRead::Malformed || request.attribute("request") != "smtpd_access_policy") {
            // Never a refusal for what we could not read: the mail may well be ours.
            _log.warning("policy: client=" + _client + " status=malformed action=DUNNO");
            send(_channel, kDunno);
            break;
        }
        send(_channel, answer(request));
    }
    _channel.flush();
}

std::string PolicySession::answer(const PolicyRequest& request)
{
    const std::string recipient(request.attribute("recipient"));
    if (!bounce::iequals(request.attribute("protocol_state"), "RCPT") || !atBounceDomain(recipient))
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
