// CampaignQueue: send_log as the campaign's work queue.
//
// The queue is what makes a run exactly-once and shareable:
//   open()     puts every active member of the list in send_log as 'queued' (once:
//              INSERT IGNORE, so any process may call it, any number of times);
//   claim()    reads up to n due 'queued' rows of the slice the calling worker owns
//              (a 64th of the campaign, see sql/010; a worker takes a free slice with
//              due rows when its own has none, under this process's claimer id,
//              ClaimLease.h): only one worker anywhere reads a slice, so two
//              processes, or two Galera nodes, never take one member;
//   beginSubmitting() marks them 'submitting' just before their SMTP session, if the
//              worker still owns the slice under a live lease: only these rows can
//              end 'uncertain' (a worker that dies before leaves them 'queued');
//   settle()   records each claimed member's outcome; a 4xx goes back to 'queued' with
//              a retry time that doubles from send.minimalBackoff to
//              send.maximalBackoff until send.queueLifetime has passed since the first
//              4xx, then ends 'deferred'; a message never attempted is released to
//              'queued'; accepted and rejected messages are counted in the report
//              counters (ReportCounters.h) in the same transaction.
// Every method runs on the caller's connection; one connection per thread.
#pragma once

#include "SmtpBatch.h"

#include "verpmail/config/Settings.h"

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
    bool trackerCurrent = false;       ///< the tracker row holds encodedFrom already
    enum class Kind { Submitted, Suppressed, Inactive, Paused } kind = Kind::Submitted;
    SubmitResult result;     ///< for Submitted
    std::string reason;      ///< for Suppressed: the policy reason
};

/// Which slice a worker owns (sql/010), and what taking slices over from dead
/// claimers found on the way.
struct SliceCursor
{
    unsigned worker = 0;                 ///< the thread's number in its process
    std::optional<unsigned> slice;       ///< owned now; nullopt: none
    std::uint64_t uncertainTakenOver = 0;  ///< rows of dead claimers found mid-session
};

struct QueueCounts
{
    std::uint64_t total = 0, queued = 0, pending = 0, submitting = 0, accepted = 0, rejected = 0, deferred = 0, suppressed = 0,
                  uncertain = 0;
    std::uint64_t done() const { return accepted + rejected + deferred + suppressed + uncertain; }
};

class CampaignQueue
{
public:
    CampaignQueue(std::string campaign, std::string claimer, const SendSettings& retries, unsigned softResetStreak = 0)
        : _campaign(std::move(campaign)), _claimer(std::move(claimer)), _retries(retries),
          _softResetStreak(softResetStreak)
    {
    }

    /// Creates the campaign row (or checks an existing one is for this list) and
    /// enqueues the list's active members not yet in the queue. Returns false when
    /// the campaign id belongs to another list.
    bool open(MysqlConnection& db, unsigned listId, const std::string& messageFile, const std::string& messageDigest);

    /// The newest unfinished campaign of the list for the message with this digest.
    static std::optional<std::string> findUnfinished(MysqlConnection& db, unsigned listId,
                                                     const std::string& messageDigest);

    /// Claims up to n due rows in the worker's slice, taking another slice with due
    /// rows when its own has none; empty when no free slice has anything due now.
    std::vector<std::string> claim(MysqlConnection& db, unsigned n, SliceCursor& cursor);

    /// Gives the worker's slice back (at the end of its run).
    void releaseSlice(MysqlConnection& db, SliceCursor& cursor);

    /// Marks claimed rows 'submitting' while the worker owns their slice under a live
    /// lease, and returns those it marked: rows of a slice taken over by another
    /// process (a lapsed lease) are left alone and must not be sent.
    std::vector<std::string> beginSubmitting(MysqlConnection& db, const std::vector<std::string>& emails,
                                             const SliceCursor& cursor);

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
    /// Takes a free slice that has due rows into cursor.slice; false when there is none.
    bool takeSlice(MysqlConnection& db, SliceCursor& cursor);
    std::vector<std::string> claimInSlice(MysqlConnection& db, unsigned n, unsigned slice);

    std::string _campaign;
    std::string _claimer;
    SendSettings _retries;  ///< the back-off and lifetime keys
    unsigned _softResetStreak;  ///< 0: off
};

/// "(?,?),(?,?)...": placeholders for prepared multi-row statements.
std::string sqlPlaceholders(std::size_t rows, std::size_t columns, const char* extra = "");

} // namespace verpmail
