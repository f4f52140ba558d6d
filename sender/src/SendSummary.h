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
    std::uint64_t members = 0;     ///< active members looked at
    std::uint64_t attempted = 0;   ///< messages handed to the SMTP server (or that would be, in a dry run)
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t deferred = 0;
    std::uint64_t uncertain = 0;   ///< the server may have it; not resent
    std::uint64_t alreadyDone = 0; ///< handled by an earlier run of this campaign
    std::uint64_t suppressed = 0;
    std::map<std::string, std::uint64_t> suppressedByReason;
    double seconds = 0;

    std::string toJson() const;
    std::string toLine() const;  ///< key=value, Postfix log style
};

} // namespace verpmail
