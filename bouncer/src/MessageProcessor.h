// MessageProcessor: records one returned message — attribute, parse, classify, store.
//
//   MessageProcessor processor(codec, mysql, bouncerSettings, policySettings, log);
//   std::string detail;
//   Outcome o = processor.take(message, detail);   // never throws
//
// The one record path shared by every way in (pipe, LMTP, mailbox intake): whatever
// the source, a return is attributed, parsed and recorded the same way, in one
// transaction, idempotently (ReturnRecorder's dedup_key). take() is the one place
// that turns the environment's failures into an Outcome (ReturnContract says what
// each means to Postfix). It logs one Postfix-style line per message and never
// applies policy.
//
// Mail to the List-Unsubscribe address (UnsubscribeAddress.h) is not a return: take()
// ends the membership its genuine token names (MembershipStore::unsubscribe, audited)
// and records nothing in bounce_logs; a forged token is dropped. Either way nothing
// of the message is kept.
#pragma once

#include "Attribution.h"
#include "IncomingMessage.h"
#include "RecipientCache.h"
#include "ReturnContract.h"
#include "UnsubscribeAddress.h"

#include "verpmail/bounce/ParsedReturn.h"
#include "verpmail/config/Settings.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/policy/Policy.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Logger.h>

#include <memory>
#include <optional>
#include <string>

namespace verpmail {

class MessageProcessor
{
public:
    /// `cache` (may be null) is shared by the processors of a long-running server.
    MessageProcessor(VerpCodec codec, MysqlOptions mysql, BouncerSettings settings, PolicySettings policy,
                     Poco::Logger& log, RecipientCache* cache = nullptr);

    /// Records the message. The database connection is opened on first use and kept
    /// for the next message; after a failure it is dropped so the next call reconnects.
    /// A transient failure of a kept connection is retried once on a new one: the
    /// server may have closed it while idle. `detail` says why for any outcome that
    /// is not stored.
    Outcome take(const IncomingMessage& message, std::string& detail) noexcept;

    /// Whether `recipient` is a VERP address we issued (the tracker knows its local
    /// part; in plain mode, it decodes), one of bouncer.acceptLocalParts, or the
    /// unsubscribe address with a well-formed token (by its shape alone: no key, no
    /// database). Same connection and retry as take().
    RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) noexcept;

    const VerpCodec& codec() const { return _codec; }

private:
    /// Records the message: Recorded, Duplicate, Unattributed or Degraded; the
    /// environment's failures are thrown.
    /// @throws MysqlError, ConfigError (nothing was recorded: the transaction rolled
    ///         back), UnrecordableReturn (the database refuses every form of it).
    Outcome record(const IncomingMessage& message);
    /// Carries out the opt-out the unsubscribe address asks for: Unsubscribed or
    /// UnsubscribeRefused. @throws MysqlError, ConfigError (the key cannot be read).
    Outcome optOut(const IncomingMessage& message, const UnsubscribeAddress& address);
    /// The tokens' key, read again when it could not be read before.
    /// @throws ConfigError when it still cannot be read.
    const UnsubscribeTokens& unsubscribeTokens();
    UnsubscribeAddress unsubscribeAddress(const std::string& recipient) const;
    /// Records the return for one attribution (or none) with the given result; index
    /// tells apart the rows of one return (ReturnRecorder::dedupKey).
    Outcome recordFor(const IncomingMessage& message, const ParsedReturn& parsed, const Attribution& who,
                      const RecipientResult& result, std::size_t index);
    void logRecorded(const IncomingMessage& message, const ParsedReturn& parsed, const ReturnEntry& entry,
                     const Attribution& who, const RecordResult& recorded, Outcome outcome) const;
    MysqlConnection& connection();
    /// EncodedFROM lookups through the cache, then the tracker.
    EncodedFromLookup lookup();
    bool isAcceptedLocalPart(const std::string& recipient) const;
    /// Runs work; nullopt when it succeeded, else the outcome of its failure (the
    /// connection is dropped; a transient failure of a kept one is retried once).
    template <typename Work>
    std::optional<Outcome> guarded(const Work& work, std::string& detail) noexcept;

    VerpCodec _codec;
    MysqlOptions _mysql;
    BouncerSettings _settings;
    PolicySettings _policy;  ///< incidents and the soft rule (ReturnRecorder), never applied
    Poco::Logger& _log;
    RecipientCache* _cache;
    std::unique_ptr<MysqlConnection> _db;
    std::optional<UnsubscribeTokens> _unsubscribeTokens;  ///< once the key is read
};

} // namespace verpmail
