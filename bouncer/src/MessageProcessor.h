// MessageProcessor: records one returned message — attribute, parse, classify, store.
//
//   MessageProcessor processor(codec, mysql, maxMessageBytes, log);
//   ProcessOutcome o = processor.process(message);   // throws MysqlError, ConfigError
//
// The one record path shared by pipe delivery (BouncerApp reads stdin) and mailbox
// intake (--mbox, --maildir): whatever the source, a return is attributed, parsed and
// recorded the same way, in one transaction, idempotently (ReturnRecorder's dedup_key).
// It logs one Postfix-style line per message and never applies policy.
#pragma once

#include "verpmail/policy/Policy.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Logger.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace verpmail {

/// One message to record, already read (and bounded) by its source.
struct IncomingMessage
{
    std::string data;             ///< at most maxMessageBytes of the message
    std::size_t totalBytes = 0;   ///< its full size, for the log
    std::string sender;           ///< envelope sender if known (informational)
    std::string recipient;        ///< the address it was delivered to: tried first, part of the dedup key
    /// More addresses that may be the VERP address (mailbox intake: Delivered-To,
    /// X-Original-To, To); tried before the parser's candidates.
    std::vector<std::string> candidates;
    std::string source;           ///< for the log: "" for the pipe, "worker=N" in the daemon, "mbox FILE" / "maildir DIR"
};

enum class ProcessOutcome { Recorded, Duplicate, Unattributed };

class MessageProcessor
{
public:
    MessageProcessor(VerpCodec codec, MysqlOptions mysql, std::size_t maxMessageBytes, IncidentSettings incident,
                     Poco::Logger& log);
    ~MessageProcessor();

    MessageProcessor(const MessageProcessor&) = delete;
    MessageProcessor& operator=(const MessageProcessor&) = delete;

    /// Records the message. The database connection is opened on first use and kept
    /// for the next message; after a failure it is dropped so the next call reconnects.
    /// @throws MysqlError, ConfigError (nothing was recorded: the transaction rolled back).
    ProcessOutcome process(const IncomingMessage& message);

    const VerpCodec& codec() const { return _codec; }

    /// True while a connection from an earlier message is kept. A long-running caller
    /// (verpmail-bouncerd) retries once on a transient error of a kept connection: the
    /// server may have closed it while idle, and that says nothing about the server now.
    bool connected() const { return _db != nullptr; }

private:
    ProcessOutcome record(const IncomingMessage& message);

    VerpCodec _codec;
    MysqlOptions _mysql;
    std::size_t _maxMessageBytes;
    IncidentSettings _incident;
    Poco::Logger& _log;
    std::unique_ptr<MysqlConnection> _db;
};

} // namespace verpmail
