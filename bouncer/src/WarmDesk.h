// WarmDesk: the ReturnDesk of the long-running LMTP server.
//
// Keeps one MessageProcessor (and with it one warm database connection) per server
// thread that needed one, lent out for the duration of a call and put back after,
// so concurrent calls never share a connection and a quiet server keeps at most
// as many connections as it had concurrent calls.
//
//   WarmDesk desk(makeProcessor);
//   std::string detail;
//   Outcome o = desk.take(message, detail);   // thread-safe, never throws
#pragma once

#include "MessageProcessor.h"
#include "ReturnDesk.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace verpmail {

class WarmDesk : public ReturnDesk
{
public:
    using ProcessorFactory = std::function<std::unique_ptr<MessageProcessor>()>;

    explicit WarmDesk(ProcessorFactory makeProcessor) : _makeProcessor(std::move(makeProcessor)) {}

    RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) override;
    Outcome take(const IncomingMessage& message, std::string& detail) override;

private:
    /// Lends an idle processor (or a new one) to `call` and keeps it for the next call;
    /// onFailure when no processor can be had (out of memory).
    template <typename Result, typename Call>
    Result lend(Result onFailure, std::string& detail, const Call& call);

    ProcessorFactory _makeProcessor;
    std::mutex _mutex;
    std::vector<std::unique_ptr<MessageProcessor>> _idle;
};

} // namespace verpmail
