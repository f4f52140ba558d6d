// SendSummary: the counts of one run, printed as one line or one JSON object.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace verpmail {

struct SendSummary
{
    std::string campaign;
    bool dryRun = false;
    std::uint64_t members = 0;      ///< members in the campaign (queued at its start)
    std::uint64_t attempted = 0;    ///< messages this run submitted to a final answer (or would, in a dry run)
    std::uint64_t accepted = 0;     ///< 2xx: the SMTP server has it
    std::uint64_t rejected = 0;     ///< 5xx at submission: recorded as a bounce
    std::uint64_t deferred = 0;     ///< still 4xx after send.queueLifetime: given up
    std::uint64_t queued = 0;       ///< still queued at the end: a 4xx retry or an incident hold, due later
    std::uint64_t deferredAttempts = 0;  ///< 4xx answers seen (each retried later)
    std::uint64_t uncertain = 0;    ///< the server may have it; never resent
    std::uint64_t alreadyDone = 0;  ///< handled by an earlier run of this campaign
    std::uint64_t inFlightElsewhere = 0;  ///< claimed by another live process at the end
    std::uint64_t suppressed = 0;
    std::uint64_t paused = 0;       ///< held back for a domain incident (sent by a later run)
    std::map<std::string, std::uint64_t> suppressedByReason;
    double seconds = 0;

    std::string toJson() const;
    std::string toLine() const;  ///< key=value, Postfix log style
};

} // namespace verpmail
