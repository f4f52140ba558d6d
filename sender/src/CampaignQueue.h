// CampaignQueue: send_log as the campaign's work queue.
//
// The queue is what makes a run exactly-once and shareable:
//   enqueue()  puts every active member of the list in send_log as 'queued' (once:
//              INSERT IGNORE, so any process may call it, any number of times);
//   claim()    takes up to n due 'queued' rows with SELECT ... FOR UPDATE SKIP LOCKED
//              and marks them 'pending' under this process's claimer id, so two
//              processes (or threads) never get the same member;
//   settle()   records each claimed member's outcome; a 4xx goes back to 'queued'
//              with retry_at until smtp.maxAttempts; a message never attempted is
//              released to 'queued'; accepted and rejected messages are counted in
//              the report counters (ReportCounters.h) in the same transaction.
// A 'pending' row whose claimer died (SIGKILL mid-session) is never resent: the
// server may have accepted it. It is reported as uncertain. Every method runs on
// the caller's connection; one connection per thread.
#pragma once

#include "SmtpBatch.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// How one claimed member ended.
struct Settlement
{
    std::string email;
    std::string encodedFrom;
    std::string previousEncodedFrom;   ///< the token under verp.previousKeyFile, or ""
    enum class Kind { Submitted, Suppressed, Inactive, Paused } kind = Kind::Submitted;
    SubmitResult result;     ///< for Submitted
    std::string reason;      ///< for Suppressed: the policy reason
};

struct QueueCounts
{
    std::uint64_t total = 0, queued = 0, pending = 0, accepted = 0, rejected = 0, deferred = 0, suppressed = 0,
                  uncertain = 0;
    std::uint64_t done() const { return accepted + rejected + deferred + suppressed + uncertain; }
};

class CampaignQueue
{
public:
    CampaignQueue(std::string campaign, std::string claimer, unsigned maxAttempts, unsigned retryDelaySeconds,
                  unsigned softResetStreak = 0)
        : _campaign(std::move(campaign)), _claimer(std::move(claimer)), _maxAttempts(maxAttempts),
          _retryDelaySeconds(retryDelaySeconds), _softResetStreak(softResetStreak)
    {
    }

    /// Creates the campaign row (or checks an existing one is for this list) and
    /// enqueues the list's active members not yet in the queue. Returns false when
    /// the campaign id belongs to another list.
    bool open(MysqlConnection& db, unsigned listId, const std::string& messageFile);

    /// Marks 'pending' rows of dead claimers on this host as 'uncertain'.
    std::uint64_t markOrphansUncertain(MysqlConnection& db);

    /// Claims up to n due rows; empty when nothing is due right now.
    std::vector<std::string> claim(MysqlConnection& db, unsigned n);

    /// Seconds until the next queued row is due, or nullopt when none is queued.
    std::optional<unsigned> secondsUntilNextDue(MysqlConnection& db);

    /// Records the outcomes of claimed rows in one transaction (send_log, tracker).
    void settle(MysqlConnection& db, const std::vector<Settlement>& settlements);

    /// Writes the EncodedFROM of members about to be mailed: the tracker row must
    /// exist before the first return can arrive. Where the row's token changes from
    /// the one under the previous key (a rotated verp.keyFile), the old token is kept
    /// in PreviousEncodedFROM for previousKeyDays, so late returns still count.
    void prepareTracker(MysqlConnection& db, const std::vector<Settlement>& toSend, unsigned previousKeyDays = 30);

    QueueCounts counts(MysqlConnection& db);
    void close(MysqlConnection& db);

    const std::string& campaign() const { return _campaign; }
    const std::string& claimer() const { return _claimer; }

private:
    std::string _campaign;
    std::string _claimer;
    unsigned _maxAttempts;
    unsigned _retryDelaySeconds;
    unsigned _softResetStreak;  ///< 0: off
};

/// "host:pid:random": unique per process, and tells a later run on the same host
/// whether the claimer is still alive.
std::string makeClaimerId();

/// "(?,?),(?,?)...": placeholders for prepared multi-row statements.
std::string sqlPlaceholders(std::size_t rows, std::size_t columns, const char* extra = "");

} // namespace verpmail
