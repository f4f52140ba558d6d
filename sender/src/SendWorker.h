// SendWorker: one sending thread. Claims a batch from the campaign queue, asks the
// policy, stamps the messages, submits them in one SMTP session, settles the
// batch, and starts over until nothing is left to claim. Each worker has its own
// database connection and its own SMTP sessions; they share only SendShared.
#pragma once

#include "CampaignQueue.h"
#include "MessageTemplate.h"
#include "RateLimiter.h"
#include "SmtpBatch.h"
#include "SendSummary.h"
#include "TlsClientContext.h"

#include "verpmail/config/Settings.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Logger.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;
class UnsubscribeTokens;

/// Read-only inputs of a run, shared by all workers.
struct SendContext
{
    const ListInfo& list;
    const MessageTemplate& message;
    const VerpCodec& codec;
    const PolicySettings& policy;
    const SmtpSettings& smtp;
    const SendSettings& send;
    const MysqlOptions& mysql;
    std::string listIdDomain;
    std::string date;
    const TlsClientContext* tls = nullptr;  ///< set when smtp.starttls is not "no"
    const UnsubscribeTokens* unsubscribe = nullptr;  ///< set when an unsubscribe link uses {token}
};

/// What the workers share: the counters, the first fatal error, the stop flag.
struct SendShared
{
    std::mutex mutex;
    SendSummary summary;           // guarded by mutex
    std::exception_ptr error;      // guarded by mutex: the first failure, rethrown by the run
    std::atomic<bool> stop{false};
    std::atomic<unsigned> batches{0};
    std::atomic<bool> chunkingWarned{false};  ///< the slow-listener warning was logged
    std::atomic<unsigned> finished{0};  ///< workers whose run() has returned
    RateLimiter* rate = nullptr;

    void fail(std::exception_ptr e);
    /// Adds one batch's counts to the summary.
    void add(const SendSummary& counts);
};

/// The submission server refused a message at MAIL or DATA (5xx): about our message
/// or sender, not the member; the run stops and the members stay queued.
class SubmissionRefused : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// This process's lease lapsed and its claims were taken over (ClaimLease.h).
class ClaimLost : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class SendWorker
{
public:
    SendWorker(const SendContext& context, CampaignQueue& queue, SendShared& shared, Poco::Logger& log,
               unsigned number)
        : _context(context), _queue(queue), _shared(shared), _log(log), _number(number)
    {
    }

    /// The thread body: never throws; a failure is stored in SendShared and stops
    /// every worker.
    void run() noexcept;

private:
    /// One claimed batch on its way: what is settled without SMTP (done), and what is
    /// sent (toSend, with its envelope senders and composed messages).
    struct Batch
    {
        std::vector<Settlement> done;
        std::vector<Settlement> toSend;
        std::vector<std::string> envelopes;
        std::vector<std::string> wires;
        SendSummary counts;
        std::size_t claimed = 0;       ///< rows claimed for it (done + toSend, before take-overs)
        std::size_t firstMessage = 0;  ///< index of toSend[0] in its SMTP session
    };

    void loop(MysqlConnection& db, SliceCursor& cursor);
    /// Looks the members and the policy up and composes each message to send: the
    /// batch of the rows just claimed.
    Batch decide(MysqlConnection& db, const std::vector<std::string>& emails);
    /// Adds the rows another process took over from a dead one to the run's uncertain.
    void countTakeOvers(SliceCursor& cursor);
    /// One SMTP session: submits `first`, then batch after batch while one is due and
    /// the session has carried fewer than smtp.messagesPerSession messages. Each batch
    /// is settled as soon as its last message has its reply, before the next is
    /// claimed, so a killed run leaves at most one batch per connection uncertain.
    void sendSession(MysqlConnection& db, Batch first, SliceCursor& cursor);
    /// The next batch with something to send, if one is due now and the run goes on
    /// (never in a rate-limited run: it waits between batches, not in a session).
    /// Batches with nothing to send (suppressed, held back) are settled on the way.
    std::optional<Batch> claimMore(MysqlConnection& db, SliceCursor& cursor);
    /// Marks the batch's rows 'submitting' and adds its messages to the session.
    /// @throws ClaimLost when another process took every row over (the rest settled).
    void enqueue(MysqlConnection& db, Batch& batch, SmtpBatch& smtp, const SliceCursor& cursor);
    /// Drops from the batch the rows another process took over.
    void keepOnly(Batch& batch, const std::vector<std::string>& ours);
    /// Records the outcomes; throws what stops the run (a refusal, a broken session).
    void settle(MysqlConnection& db, Batch& batch);

    const SendContext& _context;
    CampaignQueue& _queue;
    SendShared& _shared;
    Poco::Logger& _log;
    unsigned _number;  ///< this worker's number in the process
};

} // namespace verpmail
