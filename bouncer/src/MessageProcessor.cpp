#include "MessageProcessor.h"

#include "Attribution.h"
#include "DeliveryHeaders.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

/// The recipient result that speaks for the member: the one naming the member,
/// else the first failure, else the first result, else one made from the kind.
RecipientResult chooseResult(const ParsedReturn& parsed, const std::optional<std::string>& email)
{
    if (email) {
        for (const RecipientResult& r : parsed.recipients) {
            if (r.address.empty())
                continue;
            const auto address = EmailAddress::parse(r.address);
            if (address && address->normalized() == *email)
                return r;
        }
    }
    for (const RecipientResult& r : parsed.recipients)
        if (r.bounceClass == BounceClass::Hard || r.bounceClass == BounceClass::Soft || r.bounceClass == BounceClass::Block)
            return r;
    if (!parsed.recipients.empty())
        return parsed.recipients.front();

    RecipientResult made;
    switch (parsed.kind) {
    case ReturnKind::AutoReply:
        made.bounceClass = BounceClass::AutoReply;
        made.reason = "vacation";
        break;
    case ReturnKind::Complaint:
        made.bounceClass = BounceClass::Complaint;
        made.reason = "feedback";
        break;
    case ReturnKind::Bounce:
    case ReturnKind::Other:
        made.bounceClass = BounceClass::None;
        break;
    }
    return made;
}

std::string orDash(const std::string& text, std::size_t max)
{
    return text.empty() ? std::string("-") : printable(text, max);
}

} // namespace

MessageProcessor::MessageProcessor(VerpCodec codec, MysqlOptions mysql, std::size_t maxMessageBytes,
                                   IncidentSettings incident, Poco::Logger& log)
    : _codec(std::move(codec)), _mysql(std::move(mysql)), _maxMessageBytes(maxMessageBytes), _incident(incident), _log(log)
{
}

MessageProcessor::~MessageProcessor() = default;

ProcessOutcome MessageProcessor::process(const IncomingMessage& message)
{
    try {
        return record(message);
    } catch (...) {
        // A connection that failed once may be half-closed or mid-transaction.
        _db.reset();
        throw;
    }
}

ProcessOutcome MessageProcessor::record(const IncomingMessage& message)
{
    ParseLimits limits;
    limits.maxBytes = _maxMessageBytes;
    const ParsedReturn parsed = parseReturn(message.data, limits);

    if (!_db)
        _db = std::make_unique<MysqlConnection>(_mysql);
    TrackerStore tracker(*_db);
    std::vector<std::string> candidates = message.candidates;
    candidates.insert(candidates.end(), parsed.verpCandidates.begin(), parsed.verpCandidates.end());
    const Attribution who = attribute(_codec, tracker, message.recipient, candidates);

    ReturnEntry entry;
    entry.email = who.email;
    entry.encodedFrom = who.encodedFrom;
    entry.envelopeRecipient = message.recipient;
    entry.kind = parsed.kind;
    entry.result = chooseResult(parsed, who.email);
    entry.campaign = !parsed.campaign.empty() ? parsed.campaign : parsed.envelopeId;
    entry.rawMessage = message.data;
    entry.dedupKey = ReturnRecorder::dedupKey(withoutTraceFields(message.data), message.recipient, 0);

    ReturnRecorder recorder(*_db, _incident);
    const RecordOutcome outcome = recorder.record(entry);

    const ProcessOutcome result = outcome == RecordOutcome::Duplicate ? ProcessOutcome::Duplicate
                                  : who.email                         ? ProcessOutcome::Recorded
                                                                      : ProcessOutcome::Unattributed;
    const char* state = result == ProcessOutcome::Duplicate  ? "duplicate"
                        : result == ProcessOutcome::Recorded ? "recorded"
                                                             : "unattributed";
    const bool truncated = message.totalBytes > message.data.size();
    _log.information(
        "%srecipient=<%s> sender=<%s> member=<%s> via=%s kind=%s class=%s reason=%s dsn=%s campaign=%s size=%z%s "
        "status=%s%s",
        message.source.empty() ? std::string() : printable(message.source, 200) + " ",
        printable(message.recipient, 120), printable(message.sender, 120), printable(who.email.value_or(""), 120),
        who.email ? who.via : std::string("none"), std::string(toString(parsed.kind)),
        std::string(entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed"),
        orDash(entry.result.reason, 40), orDash(entry.result.status, 16), orDash(entry.campaign, 64),
        message.totalBytes, std::string(truncated ? " truncated=yes" : ""), std::string(state),
        who.email ? std::string() : " problem=\"" + printable(who.problem, 120) + "\"");
    return result;
}

} // namespace verpmail
