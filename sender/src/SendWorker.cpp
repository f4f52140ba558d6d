#include "SendWorker.h"

#include "MemberLookup.h"
#include "PersonalHeaders.h"
#include "PlaceholderText.h"

#include "verpmail/bounce/BounceClassifier.h"
#include "verpmail/db/DeadlockRetry.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/UnsubscribeToken.h"
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
constexpr unsigned kLongestRetryWait = 30;

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
                       const MemberRecord& member, const std::string& envelopeSender)
{
    const std::string email = address.normalized();
    const std::string& name = member.name;
    // {token} in unsubscribe links is the membership's own token (UnsubscribeToken.h):
    // never the VERP token, which would let whoever reads a link forge returns.
    const std::string token = run.unsubscribe ? run.unsubscribe->make(member.id, run.list.id, email) : std::string();
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
void recordRejection(MysqlConnection& db, const std::string& campaign, const Settlement& s, const std::string& server,
                     const PolicySettings& policy)
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
    ReturnRecorder(db, policy).record(entry);
}

/// The receiving domains of `emails` whose mail is held back now: an open incident,
/// for at most policy.incident.maxPauseMinutes after it opened (IncidentStore.h).
std::unordered_set<std::string> domainsWithOpenIncidents(MysqlConnection& db, const std::vector<std::string>& emails,
                                                         const IncidentSettings& incident)
{
    return PolicyStore(db).pausedDomains(emails, incident);
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
        // Every batch runs the same statements (the same IN-list lengths, too, for
        // full batches): kept prepared, each costs one round trip and no parse.
        MysqlOptions options = _context.mysql;
        options.statementCache = 64;
        MysqlConnection db(options);
        SliceCursor cursor;
        cursor.worker = _number;
        try {
            loop(db, cursor);
        } catch (...) {
            _shared.fail(std::current_exception());
        }
        // A slice left claimed is free once this process ends anyway (its lease).
        withDeadlockRetry([&] { _queue.releaseSlice(db, cursor); });
    } catch (...) {
        _shared.fail(std::current_exception());
    }
    ++_shared.finished;
}

void SendWorker::loop(MysqlConnection& db, SliceCursor& cursor)
{
    while (!_shared.stop) {
        // Wait for the rate limit before claiming, not after: a claimed row that is
        // still waiting when the process dies would have to be taken over first.
        if (_shared.rate)
            _shared.rate->acquire(_context.smtp.batchSize);
        const std::vector<std::string> emails =
            withDeadlockRetry([&] { return _queue.claim(db, _context.smtp.batchSize, cursor); });
        if (_shared.rate && emails.size() < _context.smtp.batchSize)
            _shared.rate->giveBack(static_cast<unsigned>(_context.smtp.batchSize - emails.size()));
        countTakeOvers(cursor);
        if (emails.empty()) {
            const std::optional<unsigned> due = _queue.secondsUntilNextDue(db);
            // Nothing queued, or nothing due soon (4xx retries, mail held back for a
            // domain incident): done for this run; a later run sends the rest.
            if (!due || *due > kLongestRetryWait)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(*due * 1000u, 50u, 1000u)));
            continue;
        }
        Batch batch = decide(db, emails);
        if (batch.toSend.empty())
            settle(db, batch);
        else
            sendSession(db, std::move(batch), cursor);
    }
}

void SendWorker::countTakeOvers(SliceCursor& cursor)
{
    if (cursor.uncertainTakenOver == 0)
        return;
    // Rows of a claimer that died mid-session, found when its slice was taken over.
    std::lock_guard<std::mutex> lock(_shared.mutex);
    _shared.summary.uncertain += cursor.uncertainTakenOver;
    cursor.uncertainTakenOver = 0;
}

SendWorker::Batch SendWorker::decide(MysqlConnection& db, const std::vector<std::string>& emails)
{
    const std::string& campaign = _queue.campaign();
    const auto members = lookupMembers(db, _context.list.id, emails);
    const std::string now = utcNow();
    PolicyStore policyStore(db);
    const auto subjects = policyStore.load(emails, _context.policy, now);
    const std::unordered_set<std::string> paused =
        _context.policy.incident.pauseSending ? domainsWithOpenIncidents(db, emails, _context.policy.incident)
                                              : std::unordered_set<std::string>{};
    Batch batch;
    batch.claimed = emails.size();
    std::vector<std::pair<std::string, PolicyDecision>> decisions;
    for (const std::string& email : emails) {
        Settlement s;
        s.email = email;
        const auto it = members.find(email);
        const std::optional<EmailAddress> address = EmailAddress::parse(email);
        if (it == members.end() || !address) {
            s.kind = Settlement::Kind::Inactive;
            ++batch.counts.suppressed;
            ++batch.counts.suppressedByReason[it == members.end() ? "inactive" : "invalid-address"];
            batch.done.push_back(std::move(s));
            continue;
        }
        if (paused.count(std::string(address->domain()))) {
            // The receiver has an incident: hold the message back, try later.
            s.kind = Settlement::Kind::Paused;
            ++batch.counts.paused;
            batch.done.push_back(std::move(s));
            continue;
        }
        s.encodedFrom = _context.codec.localPart(*address);
        s.previousEncodedFrom = _context.codec.previousTokenLocalPart(*address);
        const PolicySubject& subject = subjects.at(email);
        s.trackerCurrent = subject.tracked && subject.encodedFrom == s.encodedFrom;
        const PolicyDecision decision = evaluate(_context.policy, subject.state, subject.facts, now);
        if (decision.changed && subject.tracked)
            decisions.emplace_back(email, decision);
        if (decision.verdict == Verdict::Suppress) {
            s.kind = Settlement::Kind::Suppressed;
            s.reason = decision.reason;
            ++batch.counts.suppressed;
            ++batch.counts.suppressedByReason[decision.reason];
            batch.done.push_back(std::move(s));
            continue;
        }
        const std::string envelope = s.encodedFrom + "@" + _context.codec.settings().domain;
        batch.wires.push_back(composeFor(_context, campaign, *address, it->second, envelope));
        batch.envelopes.push_back(envelope);
        batch.toSend.push_back(std::move(s));
    }
    if (!decisions.empty()) {
        withDeadlockRetry([&] {
            Transaction tx(db);
            for (const auto& [email, decision] : decisions)
                policyStore.record(email, decision, "verpmail-send campaign=" + campaign, _context.list.id);
            tx.commit();
        });
    }
    return batch;
}

void SendWorker::sendSession(MysqlConnection& db, Batch first, SliceCursor& cursor)
{
    SmtpBatch smtp(_context.smtp, _queue.campaign(), _context.tls);
    enqueue(db, first, smtp, cursor);
    std::optional<Batch> open = std::move(first);  // in the session, not settled yet
    std::exception_ptr failure;
    smtp.onDrained([&]() noexcept {
        try {
            // Without the AUTH the session needs, the replies say nothing about the
            // members: run() puts the batch back once the session is over.
            if (!open || !smtp.repliesCount())
                return;
            Batch done = std::move(*open);
            open.reset();
            for (std::size_t i = 0; i < done.toSend.size(); ++i)
                done.toSend[i].result = smtp.resultOf(done.firstMessage + i);
            smtp.forget(done.firstMessage, smtp.size());
            settle(db, done);
            if (smtp.size() >= _context.smtp.messagesPerSession)
                return;
            std::optional<Batch> next = claimMore(db, cursor);
            if (!next)
                return;
            enqueue(db, *next, smtp, cursor);
            open = std::move(next);
        } catch (...) {
            // Nothing more is added: the session ends, then the run stops with this.
            failure = std::current_exception();
        }
    });
    try {
        smtp.run();
    } catch (const SmtpUnavailable&) {
        // No reply at all, so only the first batch is in the session: give its
        // claims back before stopping.
        if (open) {
            withDeadlockRetry([&] { _queue.settle(db, open->done); });
            withDeadlockRetry([&] { _queue.settle(db, open->toSend); });  // NotAttempted: released to 'queued'
        }
        throw;
    }
    if (smtp.chunkingOffered() && !_shared.chunkingWarned.exchange(true))
        _log.warning("server=%s status=chunking-offered: each message waits for a delayed ACK (about 40 ms); "
                     "submit through a listener without CHUNKING (postfix-setup --submission)",
                     _context.smtp.server);
    if (open) {
        for (std::size_t i = 0; i < open->toSend.size(); ++i)
            open->toSend[i].result = smtp.results()[open->firstMessage + i];
        settle(db, *open);
    }
    if (failure)
        std::rethrow_exception(failure);
}

std::optional<SendWorker::Batch> SendWorker::claimMore(MysqlConnection& db, SliceCursor& cursor)
{
    for (int attempt = 0; attempt < 4 && !_shared.stop && !_shared.rate; ++attempt) {
        const std::vector<std::string> emails =
            withDeadlockRetry([&] { return _queue.claim(db, _context.smtp.batchSize, cursor); });
        countTakeOvers(cursor);
        if (emails.empty())
            return std::nullopt;
        Batch batch = decide(db, emails);
        if (!batch.toSend.empty())
            return batch;
        settle(db, batch);
    }
    return std::nullopt;
}

void SendWorker::enqueue(MysqlConnection& db, Batch& batch, SmtpBatch& smtp, const SliceCursor& cursor)
{
    withDeadlockRetry([&] { _queue.prepareTracker(db, batch.toSend, _context.codec.settings().previousKeyDays); });
    std::vector<std::string> emails;
    for (const Settlement& s : batch.toSend)
        emails.push_back(s.email);
    const std::vector<std::string> ours =
        withDeadlockRetry([&] { return _queue.beginSubmitting(db, emails, cursor); });
    if (ours.size() != emails.size())
        keepOnly(batch, ours);
    if (batch.toSend.empty()) {
        withDeadlockRetry([&] { _queue.settle(db, batch.done); });
        throw ClaimLost("this process's claim on campaign " + _queue.campaign() +
                        " lapsed (send.leaseTime) and another process took its rows over");
    }
    batch.firstMessage = smtp.size();
    for (std::size_t i = 0; i < batch.toSend.size(); ++i)
        smtp.add(batch.envelopes[i], batch.toSend[i].email, std::move(batch.wires[i]));
    batch.wires.clear();
}

void SendWorker::keepOnly(Batch& batch, const std::vector<std::string>& ours)
{
    const std::unordered_set<std::string> keep(ours.begin(), ours.end());
    Batch kept;
    kept.done = std::move(batch.done);
    kept.counts = batch.counts;
    kept.claimed = batch.claimed;
    for (std::size_t i = 0; i < batch.toSend.size(); ++i) {
        if (!keep.count(batch.toSend[i].email))
            continue;
        kept.toSend.push_back(std::move(batch.toSend[i]));
        kept.envelopes.push_back(std::move(batch.envelopes[i]));
        kept.wires.push_back(std::move(batch.wires[i]));
    }
    _log.warning("campaign=%s status=claims-lost count=%z", _queue.campaign(), batch.toSend.size() - kept.toSend.size());
    batch = std::move(kept);
}

void SendWorker::settle(MysqlConnection& db, Batch& batch)
{
    const std::size_t claimed = batch.claimed;
    const std::string& campaign = _queue.campaign();
    SendSummary& counts = batch.counts;
    std::uint64_t notAttempted = 0;
    std::optional<SubmitResult> refused;
    for (const Settlement& s : batch.toSend) {
        switch (s.result.outcome) {
        case SubmitOutcome::Accepted: ++counts.accepted; break;
        case SubmitOutcome::Rejected: ++counts.rejected; break;
        case SubmitOutcome::Deferred: ++counts.deferredAttempts; break;
        case SubmitOutcome::Uncertain: ++counts.uncertain; break;
        case SubmitOutcome::NotAttempted: ++notAttempted; break;
        case SubmitOutcome::Refused:
            ++notAttempted;
            if (!refused)
                refused = s.result;
            break;
        }
    }
    for (Settlement& s : batch.toSend)
        batch.done.push_back(std::move(s));
    withDeadlockRetry([&] { _queue.settle(db, batch.done); });
    for (const Settlement& s : batch.done)
        if (s.kind == Settlement::Kind::Submitted && s.result.outcome == SubmitOutcome::Rejected)
            withDeadlockRetry([&] { recordRejection(db, campaign, s, _context.smtp.server, _context.policy); });

    const unsigned number = ++_shared.batches;
    _log.information("campaign=%s batch=%u size=%z accepted=%Lu rejected=%Lu deferred=%Lu uncertain=%Lu "
                     "suppressed=%Lu not_attempted=%Lu",
                     campaign, number, claimed, static_cast<Poco::UInt64>(counts.accepted),
                     static_cast<Poco::UInt64>(counts.rejected), static_cast<Poco::UInt64>(counts.deferredAttempts),
                     static_cast<Poco::UInt64>(counts.uncertain), static_cast<Poco::UInt64>(counts.suppressed),
                     static_cast<Poco::UInt64>(notAttempted));
    _shared.add(counts);
    if (refused)
        throw SubmissionRefused(std::to_string(refused->code) + " " +
                                (refused->enhanced.empty() ? "" : refused->enhanced + " ") + refused->text);
    if (notAttempted > 0)
        throw SmtpUnavailable("the SMTP session to " + _context.smtp.server + " ended early; " +
                              std::to_string(notAttempted) + " messages were put back in the queue");
}

void SendShared::add(const SendSummary& counts)
{
    std::lock_guard<std::mutex> lock(mutex);
    summary.attempted += counts.accepted + counts.rejected + counts.uncertain;
    summary.accepted += counts.accepted;
    summary.rejected += counts.rejected;
    summary.deferredAttempts += counts.deferredAttempts;
    summary.uncertain += counts.uncertain;
    summary.suppressed += counts.suppressed;
    summary.paused += counts.paused;
    for (const auto& [reason, n] : counts.suppressedByReason)
        summary.suppressedByReason[reason] += n;
}

} // namespace verpmail
