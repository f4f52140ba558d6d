// AddressPolicyStore: what an operator changes about an address or a membership,
// each in one transaction with its admin_audit row (actor: whoever asked, e.g.
// "root" from verpmail-admin or "api:NAME" from verpmail-web's API). The admin
// commands (reset, ignore, unsubscribe, resubscribe) and the API call the same code.
//
// reset starts the address's counting afresh: the counts the policy reads go to
// zero, CountsResetAt is now (bounces before it are history), the policy state is
// active again, and a policy_decisions row (action "reset", evidence: the counts
// before) says who did it. The memberships the policy made inactive (a hard bounce
// or a complaint: members.inactive_reason 'policy') are active again and every
// bounce_status is 'clean'; an opt-out, or the list a complaint came from, stays
// inactive. `ignore on` gives back the same memberships, since the policy no
// longer applies to the address.
//
//   AddressPolicyStore store(db);
//   if (auto r = store.reset("jane@example.org", "api:ops")) log(r->detail);
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace verpmail {

class MysqlConnection;

struct AddressChange
{
    /// The audit row's detail, e.g. "previous hard=1 soft=0 complaints=0 state=suppressed
    /// reactivated=1" or "ignore_bounces=on was=off".
    std::string detail;
    std::uint64_t reactivated = 0;  ///< memberships given back
};

struct SubscriptionChange
{
    bool was = false;  ///< members.active before
    std::string detail;  ///< "list=NAME active=1 was=0"
};

class AddressPolicyStore
{
public:
    explicit AddressPolicyStore(MysqlConnection& db) : _db(db) {}

    /// Resets the (normalised) address; nullopt, with nothing changed, when it has no
    /// tracker row (never mailed). @throws MysqlError (nothing changed then).
    std::optional<AddressChange> reset(const std::string& email, const std::string& actor);

    /// Sets IgnoreBounces; nullopt, with nothing changed, when it has no tracker row.
    std::optional<AddressChange> ignore(const std::string& email, bool on, const std::string& actor);

    /// Sets members.active of (listId, email), recording an opt-out as one
    /// (inactive_reason 'unsubscribed'), audited as "resubscribe" or "unsubscribe";
    /// nullopt, with nothing changed, when the address is not a member of the list.
    std::optional<SubscriptionChange> setSubscribed(std::uint64_t listId, const std::string& listName,
                                                    const std::string& email, bool active, const std::string& actor);

    /// Makes the memberships of `email` that the policy made inactive active again;
    /// returns how many. Runs in the caller's transaction.
    std::uint64_t restorePolicyMemberships(const std::string& email);

private:
    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const std::string& detail);

    MysqlConnection& _db;
};

} // namespace verpmail
