// IncomingMessage: one return as its source handed it over (pipe, LMTP, mailbox).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace verpmail {

struct IncomingMessage
{
    std::string data;             ///< at most bouncer.maxMessageBytes of the message
    std::size_t totalBytes = 0;   ///< its full size, for the log
    std::string sender;           ///< envelope sender if known (informational)
    std::string recipient;        ///< the address it was delivered to: tried first, part of the dedup key
    /// More addresses that may be the VERP address (mailbox intake: Delivered-To,
    /// X-Original-To, To); tried before the parser's candidates.
    std::vector<std::string> candidates;
    std::string source;           ///< for the log: "" for the pipe, "lmtp", "mbox FILE", ...
};

} // namespace verpmail
