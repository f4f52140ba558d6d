// MemberPages: a list's active members with what the policy needs, in pages.
//
// Keyset pagination (email > last, ORDER BY email, LIMIT n): memory stays flat for
// any list size, each page is one prepared query joining members with their tracker
// row, their soft bounces inside the window and this campaign's send_log row, and no
// server-side cursor is held open while SMTP sessions run (a streamed result would
// hit the server's net_write_timeout during a slow batch).
#pragma once

#include "verpmail/policy/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct MemberRecord
{
    std::string email;
    std::string name;
    AddressHistory history;
    std::optional<std::string> suppressedReason;  ///< as stored in the tracker
    std::optional<std::string> campaignStatus;    ///< send_log.status for this campaign, if any
};

class MemberPages
{
public:
    MemberPages(MysqlConnection& db, unsigned listId, std::string campaign, const PolicySettings& policy,
                unsigned pageSize = 1000);

    /// The next page; empty when the list is exhausted.
    std::vector<MemberRecord> next();

private:
    MysqlConnection& _db;
    unsigned _listId;
    std::string _campaign;
    std::string _windowStart;
    unsigned _pageSize;
    std::string _after;
    bool _done = false;
};

} // namespace verpmail
