// MembershipStore: one membership (a list and an address, members.id) and the
// member's own opt-out.
//
// verpmail-web's one-click unsubscribe and the bouncer's unsubscribe mail both end a
// membership here, so an opt-out is the same change and the same audit row however it
// arrived. An opt-out is recorded as one (inactive_reason 'unsubscribed'): a reset of
// the address never gives the membership back, and the next send skips it.
//
//   MembershipStore store(db);
//   if (auto m = store.byToken(tokens, text))
//       store.unsubscribe(m->id, "web 192.0.2.7", "one-click");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail {

class MysqlConnection;
class UnsubscribeTokens;

struct Membership
{
    std::uint64_t id = 0;
    std::uint64_t listId = 0;
    std::string listName;
    std::string email;           ///< normalised
    bool active = false;
    std::string inactiveReason;  ///< "" while active: policy, complaint, unsubscribed
};

enum class OptOut
{
    Unsubscribed,        ///< the membership ended now
    AlreadyOut,          ///< it had ended by the member's own wish or a complaint: nothing changed
    NoSuchMembership,    ///< the id names no membership (it was deleted): nothing changed
};

class MembershipStore
{
public:
    explicit MembershipStore(MysqlConnection& db) : _db(db) {}

    std::optional<Membership> byId(std::uint64_t id);

    /// The membership a genuine token names; nullopt for anything else (malformed,
    /// forged, for a membership deleted since). Costs one primary-key read.
    std::optional<Membership> byToken(const UnsubscribeTokens& tokens, std::string_view token);

    /// Ends membership `id` as the member's opt-out, in one transaction with its
    /// admin_audit row (actor, action "unsubscribe", target the address, detail the
    /// list and `via`). Idempotent: a second call changes and audits nothing.
    /// @throws MysqlError when the database fails (nothing is changed then).
    OptOut unsubscribe(std::uint64_t id, const std::string& actor, const std::string& via);

private:
    MysqlConnection& _db;
};

} // namespace verpmail
