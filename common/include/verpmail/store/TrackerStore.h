// TrackerStore: reads of EmailAddressTracker and the bounce history behind it.
//
// One prepared statement per question; no policy here (PolicyStore loads what the
// policy reads).
#pragma once

#include "verpmail/policy/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct TrackerRow
{
    std::string emailAddress;
    std::string encodedFrom;
    bool ignoreBounces = false;
    std::int64_t msgCount = 0;
    std::optional<std::string> firstEmail, lastEmail, firstBounce, lastBounce, lastBounce2, lastBounce3;
    std::int64_t bounceCount = 0, hardBounceCount = 0, softBounceCount = 0, blockCount = 0, complaintCount = 0,
                 autoReplyCount = 0;
    std::optional<std::string> countsResetAt, suppressedAt, suppressedReason;
};

class TrackerStore
{
public:
    explicit TrackerStore(MysqlConnection& db) : _db(db) {}

    /// Looks up the address behind a VERP local part (case-insensitive).
    std::optional<std::string> emailForEncodedFrom(const std::string& localPart);

    std::optional<TrackerRow> find(const std::string& email);


private:
    MysqlConnection& _db;
};

/// "YYYY-MM-DD hh:mm:ss" for now minus the given days, in UTC.
std::string utcDaysAgo(unsigned days);

} // namespace verpmail
