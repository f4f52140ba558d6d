#include "SendWorker.h"

#include "MemberLookup.h"
#include "PersonalHeaders.h"
#include "PlaceholderText.h"

#include "verpmail/bounce/BounceClassifier.h"
#include "verpmail/db/DeadlockRetry.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Printable.h"

#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_set>

namespace verpmail {
namespace {

// A worker waits in-run for 4xx retries; anything due later is left to a rerun.
constexpr unsigned kLongestRetryWait = 120;

std::string fillPlaceholders(std::string text, const std::string& list, const std::string& address,
                             const std::string& token, bool urlEncode)
{
    auto replaceAll = [&text](const std::string& from, const std::string& to) {
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    };
    std::string encodedAddress = address;
    if (urlEncode) {
        encodedAddress.clear();
        Poco::URI::encode(address, "&=+?#/@", encodedAddress);
    }
    replaceAll("{list}", list);
    replaceAll("{address}", encodedAddress);
    replaceAll("{token}", token);
    return text;
}

/// The member's copy: personal headers and placeholder values, then the template.
std::string composeFor(const SendContext& run, const std::string& campaign, const EmailAddress& address,
                       const std::string& name, const std::string& envelopeSender)
{
    const std::string email = address.normalized();
    const VerpSettings& verp = run.codec.settings();
    // {token} in unsubscribe links is the member's VERP token: unforgeable, and the
    // EncodedFROM lookup a web handler needs to find the address.
    const std::string token =
        verp.key.empty() ? std::string() : run.codec.tokenLocalPart(address).substr(verp.prefix.size() + 1);
    PersonalHeaderInputs in;
    in.campaign = campaign;
    in.listName = run.list.name;
    in.listIdDomain = run.listIdDomain;
    in.address = address.str();
    in.normalizedAddress = email;
    in.name = name;
    in.envelopeSender = envelopeSender;
    if (!run.send.unsubscribeUrl.empty())
        in.unsubscribeUrl = fillPlaceholders(run.send.unsubscribeUrl, run.list.name, email, token, true);
    if (!run.send.unsubscribeMailto.empty())
        in.unsubscribeMailto = fillPlaceholders(run.send.unsubscribeMailto, run.list.name, email, token, false);
    in.date = run.date;
    in.feedbackSenderTag = run.send.feedbackIdSender;
    const Personalization values{address.str(), name, run.list.name, in.unsubscribeUrl, mailtoUri(in.unsubscribeMailto)};
    return run.message.compose(buildPersonalHeaders(in), values);
}

/// A 5xx at submission is a bounce like any other: recorded through the same code
/// the bouncer uses, classified from the server's reply.
void recordRejection(MysqlConnection& db, const std::string& campaign, const Settlement& s, const std::string& server)
{
    RecipientResult result;
    result.address = s.email;
    result.action = "failed";
    result.replyCode = std::to_string(s.result.code);
    // The reply as a DSN would quote it, and the enhanced code when the server gave one.
    result.diagnostic = "smtp; " + std::to_string(s.result.code) + " " +
                        (s.result.enhanced.empty() ? "" : s.result.enhanced + " ") + s.result.text;
    result.status = !s.result.enhanced.empty() ? s.result.enhanced : std::to_string(s.result.code / 100) + ".0.0";
    result.remoteMta = server;
    const Classification c = classify(ReturnKind::Bounce, result);
    result.reason = c.reason;
    result.bounceClass = c.bounceClass;

    ReturnEntry entry;
    entry.email = s.email;
    entry.encodedFrom = s.encodedFrom;
    entry.envelopeRecipient = s.email;
    entry.kind = ReturnKind::Bounce;
    entry.result = result;
    entry.campaign = campaign;
    entry.rawMessage = "submission rejected: " + std::to_string(s.result.code) + " " + s.result.text;
    entry.dedupKey = ReturnRecorder::dedupKey("submission:" + campaign, s.email, 0);
    ReturnRecorder(db).record(entry);
}

/// The receiving domains of `emails` that have an open incident.
std::unordered_set<std::string> domainsWithOpenIncidents(MysqlConnection& db, const std::vector<std::string>& emails,
                                                         const IncidentSettings& incident)
{
    std::unordered_set<std::string> domains;
    for (const std::string& e : emails)
        domains.insert(e.substr(e.rfind('@') + 1));
    std::vector<SqlValue> params{static_cast<std::int64_t>(incident.closeAfterMinutes)};
    std::string in;
    for (const std::string& d : domains) {
        params.emplace_back(d);
        in += in.empty() ? "?" : ",?";
    }
    MysqlStatement st = db.prepare("SELECT DISTINCT domain FROM domain_incidents WHERE closed_at IS NULL"
                                   " AND last_seen >= UTC_TIMESTAMP() - INTERVAL ? MINUTE AND domain IN (" + in + ")");
    st.execute(params);
    std::unordered_set<std::string> open;
    while (st.fetch())
        open.insert(st.text(0));
    return open;
}

} // namespace

void SendShared::fail(std::exception_ptr e)
{
    std::lock_guard<std::mutex> lock(mutex);
    if (!error)
        error = e;
    stop = true;
}

void SendWorker::run() noexcept
{
    try {
        loop();
    } catch (...) {
        _shared.fail(std::current_exception());
    }
    ++_shared.finished;
}

void SendWorker::loop()
{
    MysqlConnection db(_context.mysql);
    const std::string& campaign = _queue.campaign();
    while (!_shared.stop) {
        // Wait for the rate limit before claiming, not after: a claimed row that is
        // still waiting when the process dies would be reported uncertain.
        if (_shared.rate)
            _shared.rate->acquire(_context.smtp.batchSize);
        const std::vector<std::string> emails =
            withDeadlockRetry([&] { return _queue.claim(db, _context.smtp.batchSize); });
        if (emails.empty()) {
            const std::optional<unsigned> due = _queue.secondsUntilNextDue(db);
            // Nothing queued, or only mail held back for a domain incident: done for
            // this run (a later run of the campaign sends what was held back).
            if (!due || *due > kLongestRetryWait)
                return;
            // 4xx retries not yet due (or rows other workers hold): wait a little.
            std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(*due * 1000u, 50u, 1000u)));
            continue;
        }

        const auto members = lookupMembers(db, _context.list.id, emails);
        const std::string now = utcNow();
        PolicyStore policyStore(db);
        const auto subjects = policyStore.load(emails, _context.policy, now);
        const std::unordered_set<std::string> paused =
            _context.policy.incident.pauseSending ? domainsWithOpenIncidents(db, emails, _context.policy.incident)
                                                  : std::unordered_set<std::string>{};
        std::vector<Settlement> done;
        std::vector<Settlement> toSend;
        std::vector<std::string> envelopes;
        std::vector<std::string> wires;
        std::vector<std::pair<std::string, PolicyDecision>> decisions;
        SendSummary counts;
        for (const std::string& email : emails) {
            Settlement s;
            s.email = email;
            const auto it = members.find(email);
            const std::optional<EmailAddress> address = EmailAddress::parse(email);
            if (it == members.end() || !address) {
                s.kind = Settlement::Kind::Inactive;
                ++counts.suppressed;
                ++counts.suppressedByReason[it == members.end() ? "inactive" : "invalid-address"];
                done.push_back(std::move(s));
                continue;
            }
            if (paused.count(std::string(address->domain()))) {
                // The receiver has an incident: hold the message back, try later.
                s.kind = Settlement::Kind::Paused;
                ++counts.paused;
                done.push_back(std::move(s));
                continue;
            }
            s.encodedFrom = _context.codec.localPart(*address);
            s.previousEncodedFrom = _context.codec.previousTokenLocalPart(*address);
            const PolicySubject& subject = subjects.at(email);
            const PolicyDecision decision = evaluate(_context.policy, subject.state, subject.facts, now);
            if (decision.changed && subject.tracked)
                decisions.emplace_back(email, decision);
            if (decision.verdict == Verdict::Suppress) {
                s.kind = Settlement::Kind::Suppressed;
                s.reason = decision.reason;
                ++counts.suppressed;
                ++counts.suppressedByReason[decision.reason];
                done.push_back(std::move(s));
                continue;
            }
            const std::string envelope = s.encodedFrom + "@" + _context.codec.settings().domain;
            wires.push_back(composeFor(_context, campaign, *address, it->second.name, envelope));
            envelopes.push_back(envelope);
            toSend.push_back(std::move(s));
        }
        if (!decisions.empty()) {
            withDeadlockRetry([&] {
                Transaction tx(db);
                for (const auto& [email, decision] : decisions)
                    policyStore.record(email, decision, "verpmail-send campaign=" + campaign, _context.list.id);
                tx.commit();
            });
        }

        if (!toSend.empty()) {
            withDeadlockRetry([&] { _queue.prepareTracker(db, toSend, _context.codec.settings().previousKeyDays); });
            SmtpBatch batch(_context.smtp, campaign, _context.tls);
            for (std::size_t i = 0; i < toSend.size(); ++i)
                batch.add(envelopes[i], toSend[i].email, std::move(wires[i]));
            try {
                batch.run();
            } catch (const SmtpUnavailable&) {
                // Nothing was submitted: give every claim back before stopping.
                withDeadlockRetry([&] { _queue.settle(db, done); });
                withDeadlockRetry([&] { _queue.settle(db, toSend); });  // NotAttempted: released to 'queued'
                throw;
            }
            for (std::size_t i = 0; i < toSend.size(); ++i)
                toSend[i].result = batch.results()[i];
        }

        std::uint64_t notAttempted = 0;
        for (const Settlement& s : toSend) {
            switch (s.result.outcome) {
            case SubmitOutcome::Accepted: ++counts.accepted; break;
            case SubmitOutcome::Rejected: ++counts.rejected; break;
            case SubmitOutcome::Deferred: ++counts.deferred; break;
            case SubmitOutcome::Uncertain: ++counts.uncertain; break;
            case SubmitOutcome::NotAttempted: ++notAttempted; break;
            }
        }
        for (Settlement& s : toSend)
            done.push_back(std::move(s));
        withDeadlockRetry([&] { _queue.settle(db, done); });
        for (const Settlement& s : done)
            if (s.kind == Settlement::Kind::Submitted && s.result.outcome == SubmitOutcome::Rejected)
                withDeadlockRetry([&] { recordRejection(db, campaign, s, _context.smtp.server); });

        const unsigned number = ++_shared.batches;
        _log.information("campaign=%s batch=%u size=%z accepted=%Lu rejected=%Lu deferred=%Lu uncertain=%Lu "
                         "suppressed=%Lu not_attempted=%Lu",
                         campaign, number, emails.size(), static_cast<Poco::UInt64>(counts.accepted),
                         static_cast<Poco::UInt64>(counts.rejected), static_cast<Poco::UInt64>(counts.deferred),
                         static_cast<Poco::UInt64>(counts.uncertain), static_cast<Poco::UInt64>(counts.suppressed),
                         static_cast<Poco::UInt64>(notAttempted));
        {
            std::lock_guard<std::mutex> lock(_shared.mutex);
            SendSummary& total = _shared.summary;
            total.attempted += counts.accepted + counts.rejected + counts.uncertain;
            total.accepted += counts.accepted;
            total.rejected += counts.rejected;
            total.deferredAttempts += counts.deferred;
            total.uncertain += counts.uncertain;
            total.suppressed += counts.suppressed;
            total.paused += counts.paused;
            for (const auto& [reason, n] : counts.suppressedByReason)
                total.suppressedByReason[reason] += n;
        }
        if (notAttempted > 0)
            throw SmtpUnavailable("the SMTP session to " + _context.smtp.server + " ended early; " +
                                  std::to_string(notAttempted) + " messages were put back in the queue");
    }
}

} // namespace verpmail
