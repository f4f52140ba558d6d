// ReturnRecorder: writes one return into the database, in one transaction.
//
// The only writer of bounce facts, shared by the bouncer (returns through Postfix)
// and the sender (5xx at submission). It records what happened and never applies
// policy: the sender decides at its next run.
//
//   ReturnRecorder recorder(db);
//   RecordOutcome o = recorder.record(entry);   // Recorded or Duplicate
//
// Domain incidents: when policy.incident.members members at one receiving domain
// fail with the same soft or block reason within policy.incident.windowMinutes,
// that is the receiver's problem. An incident is opened (or extended) and those
// returns are linked to it, so the policy never counts them against the members.
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
#include "verpmail/util/Hmac.h"

#include <optional>
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
    std::string campaign;           ///< campaign id if known, else ""
    std::string rawMessage;         ///< stored as is (already bounded by the caller)
    Sha256Digest dedupKey{};
};

enum class RecordOutcome { Recorded, Duplicate };

class ReturnRecorder
{
public:
    explicit ReturnRecorder(MysqlConnection& db, IncidentSettings incident = {}) : _db(db), _incident(incident) {}

    /// @throws MysqlError (the transaction is rolled back).
    RecordOutcome record(const ReturnEntry& entry);

    /// The dedup key for the index-th recipient result of a return.
    static Sha256Digest dedupKey(std::string_view rawMessage, std::string_view envelopeRecipient, std::size_t index);

private:
    /// The member's side of an attributed return: incidents, tracker, memberships.
    void applyToMember(const ReturnEntry& entry, std::uint64_t bounceId, const std::string& domain);

    /// Links this return to a domain incident (opening one when enough members at the
    /// domain fail alike), so it does not count against the member.
    void linkIncident(std::uint64_t bounceId, const std::string& domain, const std::string& type,
                      const std::string& reason);

    MysqlConnection& _db;
    IncidentSettings _incident;
};

/// The bounce_logs.bounce_type value for a class ("hard", "soft", ...).
const char* bounceTypeName(BounceClass bounceClass);

} // namespace verpmail
