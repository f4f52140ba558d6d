// ReturnDesk: what the LMTP and policy servers ask of the bouncer.
//
// Implementations are thread-safe: every server thread calls them concurrently, and
// each call borrows a warm database connection for its duration. Neither call
// throws: every failure is an Outcome or RecipientStatus that ReturnContract maps to
// a reply.
#pragma once

#include "IncomingMessage.h"
#include "ReturnContract.h"

#include <string>

namespace verpmail {

class ReturnDesk
{
public:
    virtual ~ReturnDesk() = default;

    /// Whether `recipient` (an envelope address) can be one of ours. `detail` says
    /// why not, or why the check could not be made.
    virtual RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) = 0;

    /// Records one return for message.recipient. `detail` gets the reason of any
    /// outcome other than a stored one (for the reply and the log).
    virtual Outcome take(const IncomingMessage& message, std::string& detail) = 0;
};

} // namespace verpmail
