// ListingStore: the lists, their members, a member's tracker state, returns and
// policy decisions, as verpmail-web's API reads them.
//
//   ListingStore store(db);
//   for (const ListSummary& l : store.lists()) ...
//   MemberFilter f; f.status = "hard"; f.limit = 100; f.after = lastEmailSeen;
//   std::optional<std::vector<MemberRow>> page = store.members("news", f);
//
// A page of members is ordered by address and starts after `after` (keyset paging:
// a page costs the same however deep it is, and rows added or removed meanwhile
// never shift one). It holds up to limit + 1 rows, so the caller knows whether
// another page follows. Reads only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct ListSummary
{
    std::uint64_t id = 0;
    std::string name;
    std::string fromAddress;
    std::uint64_t active = 0;    ///< memberships active
    std::uint64_t inactive = 0;  ///< memberships ended (policy, complaint, unsubscribed)
};

struct MemberRow
{
    std::uint64_t id = 0;
    std::string email;
    std::optional<std::string> name;
    bool active = false;
    std::optional<std::string> inactiveReason;
    std::string bounceStatus;  ///< clean, soft, hard
    std::uint64_t bounceCount = 0;
    std::optional<std::string> lastBounceAt;  ///< UTC, "YYYY-MM-DD HH:MM:SS"
};

/// The address's EmailAddressTracker row: its counts and the policy's state.
struct TrackerState
{
    std::uint64_t bounceCount = 0, hardBounceCount = 0, softBounceCount = 0, blockCount = 0, complaintCount = 0;
    std::uint64_t sentSinceBounce = 0;
    std::string policyState;                      ///< active, quarantined, suppressed
    std::optional<std::string> suppressedReason;
    bool ignoreBounces = false;
    std::optional<std::string> lastBounceAt;      ///< UTC
};

/// One membership, its list, and the address's tracker row (nullopt: never mailed).
struct MemberDetail
{
    MemberRow member;
    std::uint64_t listId = 0;
    std::string listName;
    std::optional<TrackerState> tracker;
};

/// A row of bounce_logs (never its raw message).
struct BounceRow
{
    std::uint64_t id = 0;
    std::string bounceType;  ///< the class: hard, soft, block, complaint, ...
    std::string reason, statusCode, diagnostic, bouncedAt, kind;
    std::optional<std::string> campaign;
};

/// A row of policy_decisions.
struct DecisionRow
{
    std::uint64_t id = 0;
    std::string state, action, rule, evidence, actor, decidedAt;
};

struct MemberFilter
{
    std::string contains;             ///< "" or a part of the address (matched literally)
    std::string status;               ///< "" or clean, soft, hard
    std::optional<bool> active;       ///< nullopt: both
    unsigned limit = 100;             ///< rows of a page (the store reads one more)
    std::string after;                ///< "" or the last address of the previous page
};

class ListingStore
{
public:
    explicit ListingStore(MysqlConnection& db) : _db(db) {}

    /// Every list, by name, with its member counts.
    std::vector<ListSummary> lists();

    /// Up to filter.limit + 1 members of list `listName` that pass the filter, by
    /// address; nullopt when there is no such list.
    std::optional<std::vector<MemberRow>> members(const std::string& listName, const MemberFilter& filter);

    /// Membership `id` with its tracker row; nullopt when there is none.
    std::optional<MemberDetail> member(std::uint64_t id);

    /// The returns recorded for `email`, newest first, at most `limit`.
    std::vector<BounceRow> bounces(const std::string& email, unsigned limit);

    /// The policy's decisions (and resets) for `email`, newest first, at most `limit`.
    std::vector<DecisionRow> decisions(const std::string& email, unsigned limit);

private:
    MysqlConnection& _db;
};

/// `text` with LIKE's wildcards and its escape character (backslash) escaped.
std::string likeLiteral(const std::string& text);

} // namespace verpmail
