#include "MessageProcessor.h"

#include "DeliveryHeaders.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/store/MembershipStore.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Printable.h"
#include "verpmail/util/SecretFile.h"

#include <Poco/String.h>

#include <algorithm>

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

/// What the exception being handled means for the return; `transient` when a retry
/// on a new connection may succeed. Call only inside a catch block.
Outcome currentFailure(std::string& detail, bool& transient)
{
    try {
        throw;
    } catch (const UnrecordableReturn& e) {
        // Even emptied of its text the database refuses it: no retry can cure that.
        detail = e.what();
        return Outcome::Unrecordable;
    } catch (const MysqlError& e) {
        // A refusal of the data itself was already answered by recording the return
        // degraded (ReturnRecorder); what is left here is the server or the schema or
        // the account, which an operator or a retry can cure.
        detail = e.describe();
        transient = e.isTransient();
        return Outcome::DatabaseUnavailable;
    } catch (const ConfigError& e) {
        detail = e.what();
        return Outcome::ConfigurationError;
    } catch (const std::exception& e) {
        detail = e.what();
        return Outcome::InternalError;
    } catch (...) {
        detail = "unknown exception";
        return Outcome::InternalError;
    }
}

} // namespace

MessageProcessor::MessageProcessor(VerpCodec codec, MysqlOptions mysql, BouncerSettings settings,
                                   PolicySettings policy, Poco::Logger& log, RecipientCache* cache)
    : _codec(std::move(codec)), _mysql(std::move(mysql)), _settings(std::move(settings)), _policy(std::move(policy)), _log(log),
      _cache(cache)
{
}

Outcome MessageProcessor::take(const IncomingMessage& message, std::string& detail) noexcept
{
    Outcome taken = Outcome::InternalError;
    bool unsubscribe = false;
    const std::optional<Outcome> failure = guarded(
        [&] {
            const UnsubscribeAddress address = unsubscribeAddress(message.recipient);
            unsubscribe = address.kind != UnsubscribeAddress::Kind::None;
            taken = unsubscribe ? optOut(message, address) : record(message);
        },
        detail);
    if (failure && unsubscribe)
        _log.warning("%saction=unsubscribe sender=<%s> status=%s reason=\"%s\"",
                     message.source.empty() ? std::string() : printable(message.source, 200) + " ",
                     printable(message.sender, 120), std::string(outcomeName(*failure)), printable(detail, 300));
    return failure.value_or(taken);
}

RecipientStatus MessageProcessor::checkRecipient(const std::string& recipient, std::string& detail) noexcept
{
    if (isAcceptedLocalPart(recipient))
        return RecipientStatus::Ours;
    const UnsubscribeAddress::Kind unsubscribe = unsubscribeAddress(recipient).kind;
    // By its shape alone: whether the token is genuine is checked when the message
    // comes (take(): a forged one is dropped there).
    if (unsubscribe == UnsubscribeAddress::Kind::Token)
        return RecipientStatus::Ours;
    if (unsubscribe == UnsubscribeAddress::Kind::Malformed) {
        detail = "not a well-formed unsubscribe address";
        return RecipientStatus::NotOurs;
    }
    bool ours = false;
    if (guarded([&] { ours = isOurs(_codec, lookup(), recipient, detail); }, detail))
        return RecipientStatus::CannotTell;
    return ours ? RecipientStatus::Ours : RecipientStatus::NotOurs;
}

template <typename Work>
std::optional<Outcome> MessageProcessor::guarded(const Work& work, std::string& detail) noexcept
{
    // A kept connection may have been closed by the server while idle; that says
    // nothing about the server now, so one transient failure on it is retried.
    for (int attempt = 0;; ++attempt) {
        const bool kept = _db != nullptr;
        try {
            work();
            return std::nullopt;
        } catch (...) {
            // A connection that failed once may be half-closed or mid-transaction.
            _db.reset();
            bool transient = false;
            const Outcome failure = currentFailure(detail, transient);
            if (transient && kept && attempt == 0)
                continue;
            return failure;
        }
    }
}

bool MessageProcessor::isAcceptedLocalPart(const std::string& recipient) const
{
    std::string address = recipient;
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
        address = address.substr(1, address.size() - 2);
    const auto at = address.rfind('@');
    if (at == std::string::npos)
        return false;
    const std::string local = Poco::toLower(address.substr(0, at));
    const std::string domain = Poco::toLower(address.substr(at + 1));
    return domain == Poco::toLower(_codec.settings().domain) &&
           std::find(_settings.acceptLocalParts.begin(), _settings.acceptLocalParts.end(), local) !=
               _settings.acceptLocalParts.end();
}

EncodedFromLookup MessageProcessor::lookup()
{
    return [this](const std::string& localPart) {
        if (_cache) {
            if (auto email = _cache->find(localPart))
                return email;
        }
        TrackerStore tracker(connection());
        std::optional<std::string> email = tracker.emailForEncodedFrom(localPart);
        if (email && _cache)
            _cache->remember(localPart, *email);
        return email;
    };
}

MysqlConnection& MessageProcessor::connection()
{
    if (!_db)
        _db = std::make_unique<MysqlConnection>(_mysql);
    return *_db;
}

Outcome MessageProcessor::record(const IncomingMessage& message)
{
    ParseLimits limits;
    limits.maxBytes = _settings.maxMessageBytes;
    const ParsedReturn parsed = parseReturn(message.data, limits);

    std::vector<std::string> candidates = message.candidates;
    candidates.insert(candidates.end(), parsed.verpCandidates.begin(), parsed.verpCandidates.end());
    const auto isMember = [this](const std::string& email) { return ListStore(connection()).isMember(email); };
    // Content attribution may name several members: a plain return address gets one
    // DSN for all the recipients of a message that failed together. Each row has its
    // own dedup key, so a retry after a failure part-way records only the rest.
    Outcome overall = Outcome::Duplicate;
    for (const Attributed& found : attributeReturn(_codec, lookup(), isMember, _settings.contentAttribution,
                                                   message.recipient, candidates, parsed)) {
        const RecipientResult result = found.index ? parsed.recipients[*found.index] : chooseResult(parsed, found.who.email);
        const Outcome one = recordFor(message, parsed, found.who, result, found.index.value_or(0));
        if (one != Outcome::Duplicate && overall != Outcome::Degraded)
            overall = one;
    }
    return overall;
}

UnsubscribeAddress MessageProcessor::unsubscribeAddress(const std::string& recipient) const
{
    return readUnsubscribeAddress(_settings.unsubscribeLocalPart, _codec.settings().domain, recipient);
}

const UnsubscribeTokens& MessageProcessor::unsubscribeTokens()
{
    if (_unsubscribeTokens)
        return *_unsubscribeTokens;
    // Read at start (bouncerSettingsFrom); when that failed, again now, so that a key
    // file put right cures a long-running server without a restart.
    try {
        const std::string key = !_settings.unsubscribeKey.empty()
                                    ? _settings.unsubscribeKey
                                    : readSecretKeyFile(_settings.unsubscribeKeyFile, "unsubscribe key file");
        _unsubscribeTokens.emplace(key);
    } catch (const std::exception& e) {
        throw ConfigError(std::string("cannot check unsubscribe requests: ") + e.what() +
                          " (unsubscribe.keyFile); they stay queued until it can be read");
    }
    return *_unsubscribeTokens;
}

Outcome MessageProcessor::optOut(const IncomingMessage& message, const UnsubscribeAddress& address)
{
    const std::string where = message.source.empty() ? std::string() : printable(message.source, 200) + " ";
    const std::string sender = printable(message.sender, 120);
    const auto refused = [&](const std::string& reason) {
        _log.notice("%saction=unsubscribe sender=<%s> status=unsubscribe-refused reason=\"%s\"", where, sender, reason);
        return Outcome::UnsubscribeRefused;
    };
    // Accepted at RCPT by its shape; here only when a mailbox or a pipe regexp let a
    // malformed one through.
    if (address.kind != UnsubscribeAddress::Kind::Token)
        return refused("malformed token");

    const UnsubscribeTokens& tokens = unsubscribeTokens();
    MembershipStore store(connection());
    const std::optional<Membership> membership = store.byToken(tokens, address.token);
    if (!membership)
        return refused("unknown or forged token");
    // The envelope sender is the requester's own claim, kept as evidence only: the
    // token is what authorises the opt-out.
    const std::string actor = "mail " + (message.sender.empty() ? std::string("<>") : printable(message.sender, 100));
    const OptOut result = store.unsubscribe(membership->id, actor, "mailto");
    if (result == OptOut::NoSuchMembership)
        return refused("membership deleted");
    _log.information("%saction=unsubscribe list=%s member=%s sender=<%s> status=%s", where,
                     printable(membership->listName, 120), std::to_string(membership->id), sender,
                     std::string(result == OptOut::Unsubscribed ? "unsubscribed" : "already-out"));
    return Outcome::Unsubscribed;
}

Outcome MessageProcessor::recordFor(const IncomingMessage& message, const ParsedReturn& parsed, const Attribution& who,
                                    const RecipientResult& result, std::size_t index)
{
    ReturnEntry entry;
    entry.email = who.email;
    entry.encodedFrom = who.encodedFrom;
    entry.envelopeRecipient = message.recipient;
    entry.kind = parsed.kind;
    entry.result = result;
    entry.campaign = !parsed.campaign.empty() ? parsed.campaign : parsed.envelopeId;
    entry.rawMessage = message.data;
    // The whole message (minus our own trace fields) identifies it, however little
    // of it is stored.
    entry.dedupKey = ReturnRecorder::dedupKey(withoutTraceFields(message.data), message.recipient, index);

    ReturnRecorder recorder(connection(), _policy, _settings.maxUnattributedBytes);
    const RecordResult recorded = recorder.record(entry);

    const Outcome outcome = recorded.outcome == RecordOutcome::Duplicate    ? Outcome::Duplicate
                            : recorded.degradation != Degradation::None ? Outcome::Degraded
                            : who.email                                 ? Outcome::Recorded
                                                                        : Outcome::Unattributed;
    logRecorded(message, parsed, entry, who, recorded, outcome);
    return outcome;
}

void MessageProcessor::logRecorded(const IncomingMessage& message, const ParsedReturn& parsed, const ReturnEntry& entry,
                                   const Attribution& who, const RecordResult& recorded, Outcome outcome) const
{
    std::string notes;
    if (message.totalBytes > message.data.size())
        notes += " truncated=yes";
    if (recorded.rawCapped)
        notes += " raw_cut=yes";
    if (recorded.degradation != Degradation::None)
        notes += std::string(" degraded=yes emptied=") + degradationName(recorded.degradation) + " refused=\"" +
                 printable(recorded.refusal, 200) + "\"";
    if (!who.email)
        notes += " problem=\"" + printable(who.problem, 120) + "\"";
    _log.information(
        "%srecipient=<%s> sender=<%s> member=<%s> via=%s kind=%s class=%s reason=%s dsn=%s campaign=%s size=%z "
        "status=%s%s",
        message.source.empty() ? std::string() : printable(message.source, 200) + " ",
        printable(message.recipient, 120), printable(message.sender, 120), printable(who.email.value_or(""), 120),
        who.email ? who.via : std::string("none"), std::string(toString(parsed.kind)),
        std::string(entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed"),
        orDash(entry.result.reason, 40), orDash(entry.result.status, 16), orDash(entry.campaign, 64),
        message.totalBytes, std::string(outcomeName(outcome)), notes);
}

} // namespace verpmail
