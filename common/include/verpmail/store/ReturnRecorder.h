// ReturnRecorder: writes one return into the database, in one transaction.
//
// The only writer of bounce facts, shared by the bouncer (returns through Postfix)
// and the sender (5xx at submission). It records what happened and never applies
// policy: the sender decides at its next run.
//
//   ReturnRecorder recorder(db, policySettings, maxUnattributedBytes);
//   RecordResult r = recorder.record(entry);   // r.outcome: Recorded or Duplicate
//   if (r.degradation != Degradation::None) log "degraded=yes refused=" + printable(r.refusal)
//
// A return is always recorded. Every text column is cleaned to what the server's
// utf8mb4 accepts (Utf8mb4.h) and bounded; a campaign that does not pass the
// sender's rule (CampaignId.h) is stored as NULL. Should the server still refuse
// the values (MysqlError::isDataError), the return is recorded again with its free
// text emptied (reason, status, diagnostic, campaign, envelope recipient; class,
// kind, member and dedup key kept), then with its raw message left out too; only
// when even that is refused does record() throw UnrecordableReturn. Errors of the
// environment (MysqlError: server gone, lock conflicts, access denied, schema
// behind) are thrown as they are, nothing recorded, so the caller can defer.
//
// Unattributed returns keep at most maxUnattributedBytes of their raw message: no
// member's history needs them, and a flood of junk must not fill the disk. The
// dedup key is the caller's, computed over the whole message.
//
// Domain incidents (IncidentStore.h): when enough members at one receiving domain,
// a large enough share of those mailed there, fail with the same soft or block
// reason about the provider, reported by several hosts, within
// policy.incident.windowMinutes, that is the receiver's problem. An incident is
// opened (or joined) and those returns are linked to it, so the policy never counts
// them against the members. Reasons about one mailbox (isPerMailboxReason: full,
// unknown, ...) never do. Opening one logs "incident=opened ..." (notice) after the
// commit. Each return keeps its reporting host (the result's Remote-MTA).
//
// Memberships (members): bounce_count and last_bounce_at count hard and soft
// returns; bounce_status turns 'hard' on a hard bounce and 'soft' only when the
// policy's soft rule (softRule(): policy.soft.threshold within windowDays) is
// reached, counted as the sender's policy counts; a reset makes it 'clean' again.
//
// Idempotent: every entry carries a dedup key (the hash of the raw return, the
// envelope recipient and the recipient index); recording the same return twice
// (Postfix retrying after a lost exit status) leaves the counters as they were.
//
// Report counters: every recorded return is counted (ReportCounters.h) in the same
// transaction, as its last statements.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"
#include "verpmail/policy/Policy.h"
#include "verpmail/store/IncidentStore.h"
#include "verpmail/util/Hmac.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace verpmail {

class MysqlConnection;

struct ReturnEntry
{
    /// The member address (normalised) the return belongs to; nullopt: unattributed.
    std::optional<std::string> email;
    /// EncodedFROM for the member, used when the tracker row must be created.
    std::string encodedFrom;
    std::string envelopeRecipient;  ///< the address the return was delivered to
    ReturnKind kind = ReturnKind::Other;
    RecipientResult result;         ///< class, reason, status, diagnostic
    std::string campaign;           ///< as the return names it, else ""; stored only when valid
    std::string rawMessage;         ///< stored as is (already bounded by the caller), unattributed: capped
    Sha256Digest dedupKey{};
};

enum class RecordOutcome { Recorded, Duplicate };

/// What was left out so that the server would take the return.
enum class Degradation
{
    None,         ///< stored as given (cleaned and bounded)
    TextEmptied,  ///< reason, status, diagnostic, campaign and envelope recipient emptied
    RawEmptied,   ///< ... and the raw message not stored either
};

struct RecordResult
{
    RecordOutcome outcome = RecordOutcome::Recorded;
    Degradation degradation = Degradation::None;
    /// The server's error for the first refused attempt, "" when none was refused.
    /// It may quote the refused bytes: printable() it before logging.
    std::string refusal;
    /// An unattributed return's raw message was cut to maxUnattributedBytes.
    bool rawCapped = false;
    /// The domain incident this return opened, 0 when none.
    std::uint64_t openedIncident = 0;

    /// So that callers interested only in the outcome can compare it directly.
    operator RecordOutcome() const { return outcome; }
};

/// The server refused a return even with its text and raw message emptied: no retry
/// can store it. The caller refuses the return (pipe 65, LMTP 554) instead of
/// deferring it for ever.
class UnrecordableReturn : public std::runtime_error
{
public:
    UnrecordableReturn(const std::string& message, unsigned errorNumber)
        : std::runtime_error(message), _errorNumber(errorNumber)
    {
    }
    unsigned errorNumber() const { return _errorNumber; }

private:
    unsigned _errorNumber;
};

/// Name of a degradation for logs: "no", "text", "text,raw".
const char* degradationName(Degradation degradation);

class ReturnRecorder
{
public:
    static constexpr std::size_t kDefaultMaxUnattributedBytes = 64 * 1024;

    /// `policy`: its incident settings and its soft rule (for members.bounce_status).
    explicit ReturnRecorder(MysqlConnection& db, PolicySettings policy = {},
                            std::size_t maxUnattributedBytes = kDefaultMaxUnattributedBytes)
        : _db(db), _policy(std::move(policy)), _maxUnattributedBytes(maxUnattributedBytes)
    {
    }

    /// Records the return, degraded if the server refuses its values (see above).
    /// @throws MysqlError for failures of the environment (nothing recorded: the
    /// transaction rolled back), UnrecordableReturn when no form of it is accepted.
    RecordResult record(const ReturnEntry& entry);

    /// The dedup key for the index-th recipient result of a return.
    static Sha256Digest dedupKey(std::string_view rawMessage, std::string_view envelopeRecipient, std::size_t index);

    /// The column values of an entry, cleaned and bounded, at a degradation level.
    struct Columns
    {
        std::string reason, status, diagnostic, envelopeRecipient;
        std::optional<std::string> campaign;
        std::optional<std::string> reportingHost;  ///< the result's Remote-MTA, lower case
        std::optional<std::string> raw;
    };
    static Columns columnsFor(const ReturnEntry& entry, std::size_t maxUnattributedBytes, Degradation level);

private:
    /// One attempt, in one transaction; sets result.outcome and openedIncident.
    void recordOnce(const ReturnEntry& entry, const Columns& columns, bool linkIncidents, RecordResult& result);

    /// The member's side of an attributed return: incidents, tracker, memberships.
    /// Returns the incident this return opened, if any.
    std::optional<OpenedIncident> applyToMember(const ReturnEntry& entry, const Columns& columns, std::uint64_t bounceId,
                                                const std::string& domain, bool linkIncidents);

    /// Whether this soft return brings the member to the soft rule's threshold.
    bool softThresholdReached(const std::string& email);

    MysqlConnection& _db;
    PolicySettings _policy;
    std::size_t _maxUnattributedBytes;
};

/// The bounce_logs.bounce_type value for a class ("hard", "soft", ...).
const char* bounceTypeName(BounceClass bounceClass);

} // namespace verpmail
