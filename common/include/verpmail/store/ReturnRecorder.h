// ReturnRecorder: writes one return into the database, in one transaction.
//
// The only writer of bounce facts, shared by the bouncer (returns through Postfix)
// and the sender (5xx at submission). It records what happened and never applies
// policy: the sender decides at its next run.
//
//   ReturnRecorder recorder(db);
//   RecordOutcome o = recorder.record(entry);   // Recorded or Duplicate
//
// Idempotent: every entry carries a dedup key (the hash of the raw return, the
// envelope recipient and the recipient index); recording the same return twice
// (Postfix retrying after a lost exit status) leaves the counters as they were.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"
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
    explicit ReturnRecorder(MysqlConnection& db) : _db(db) {}

    /// @throws MysqlError (the transaction is rolled back).
    RecordOutcome record(const ReturnEntry& entry);

    /// The dedup key for the index-th recipient result of a return.
    static Sha256Digest dedupKey(std::string_view rawMessage, std::string_view envelopeRecipient, std::size_t index);

private:
    MysqlConnection& _db;
};

/// The bounce_logs.bounce_type value for a class ("hard", "soft", ...).
const char* bounceTypeName(BounceClass bounceClass);

} // namespace verpmail
