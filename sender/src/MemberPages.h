// MemberPages: a list's active members with what the policy needs, in pages.
//
// Keyset pagination (email > last, ORDER BY email, LIMIT n): memory stays flat for
// any list size, each page is one prepared query joining members with this
// campaign's send_log row. Used by --dry-run (the real run works from the queue).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct MemberRecord
{
    std::string email;
    std::string name;
    std::optional<std::string> campaignStatus;    ///< send_log.status for this campaign, if any
    std::uint64_t id = 0;  ///< members.id: the membership an unsubscribe token names
};

class MemberPages
{
public:
    MemberPages(MysqlConnection& db, unsigned listId, std::string campaign, unsigned pageSize = 1000);

    /// The next page; empty when the list is exhausted.
    std::vector<MemberRecord> next();

private:
    MysqlConnection& _db;
    unsigned _listId;
    std::string _campaign;
    unsigned _pageSize;
    std::string _after;
    bool _done = false;
};

} // namespace verpmail
