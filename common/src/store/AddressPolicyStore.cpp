#include "verpmail/store/AddressPolicyStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlStatement.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

constexpr const char* kBeforeReset =
    "SELECT HardBounceCount, SoftBounceCount, ComplaintCount, SentSinceBounce, PolicyState, QuarantineCount,"
    " COALESCE(SuppressedReason, ''), COALESCE(DecisionRule, '') FROM EmailAddressTracker WHERE EmailAddress = ?"
    " FOR UPDATE";

// Times have whole seconds and the policy counts a return from the second of the
// reset on: a return already recorded in this second must not survive it.
constexpr const char* kReset =
    "UPDATE EmailAddressTracker SET CountsResetAt = GREATEST(UTC_TIMESTAMP(), COALESCE((SELECT MAX(b.bounced_at)"
    " + INTERVAL 1 SECOND FROM bounce_logs b WHERE b.email = ?), UTC_TIMESTAMP())), HardBounceCount = 0, SoftBounceCount = 0,"
    " ComplaintCount = 0, SentSinceBounce = 0, SoftCountsFrom = NULL, PolicyState = 'active',"
    " QuarantineUntil = NULL, QuarantineCount = 0, SuppressedAt = NULL, SuppressedReason = NULL,"
    " DecisionRule = NULL, DecidedAt = NULL WHERE EmailAddress = ?";

} // namespace

void AddressPolicyStore::audit(const std::string& actor, const std::string& action, const std::string& target,
                               const std::string& detail)
{
    MysqlStatement st = _db.prepare(
        "INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?)");
    st.execute({printable(actor, 128), printable(action, 32), printable(target, 320), printable(detail, 1000)});
}

std::uint64_t AddressPolicyStore::restorePolicyMemberships(const std::string& email)
{
    // Only what the policy took away (members.inactive_reason, sql/008): a member who
    // unsubscribed, or complained about a list, stays out of it.
    MysqlStatement restore = _db.prepare("UPDATE members SET active = 1, inactive_reason = NULL WHERE email = ?"
                                         " AND active = 0 AND inactive_reason = 'policy'");
    restore.execute({email});
    return restore.affectedRows();
}

std::optional<AddressChange> AddressPolicyStore::reset(const std::string& email, const std::string& actor)
{
    Transaction tx(_db);
    MysqlStatement before = _db.prepare(kBeforeReset);
    before.execute({email});
    if (!before.fetch())
        return std::nullopt;
    const std::int64_t hard = before.integer(0), soft = before.integer(1), complaints = before.integer(2);
    const std::string state = before.text(4);
    JsonWriter evidence;
    evidence.beginObject()
        .key("hard_bounces").value(hard)
        .key("soft_bounces").value(soft)
        .key("complaints").value(complaints)
        .key("sent_since_bounce").value(before.integer(3))
        .key("state").value(state)
        .key("quarantine_count").value(before.integer(5))
        .key("suppressed_reason").value(before.text(6))
        .key("decision_rule").value(before.text(7))
        .endObject();
    while (before.fetch()) {
    }

    MysqlStatement reset = _db.prepare(kReset);
    reset.execute({email, email});
    // The per-list bounce status follows: the operator says the address is good again.
    MysqlStatement members = _db.prepare("UPDATE members SET bounce_count = 0, bounce_status = 'clean' WHERE email = ?");
    members.execute({email});
    AddressChange change;
    change.reactivated = restorePolicyMemberships(email);
    MysqlStatement decision = _db.prepare(
        "INSERT INTO policy_decisions (email, state, action, rule, evidence, actor, decided_at)"
        " VALUES (?, 'active', 'reset', 'admin reset', ?, ?, UTC_TIMESTAMP())");
    decision.execute({email, evidence.str(), printable(actor, 128)});
    change.detail = "previous hard=" + std::to_string(hard) + " soft=" + std::to_string(soft) +
                    " complaints=" + std::to_string(complaints) + " state=" + state +
                    " reactivated=" + std::to_string(change.reactivated);
    audit(actor, "reset", email, change.detail);
    tx.commit();
    return change;
}

std::optional<AddressChange> AddressPolicyStore::ignore(const std::string& email, bool on, const std::string& actor)
{
    Transaction tx(_db);
    MysqlStatement before = _db.prepare("SELECT IgnoreBounces FROM EmailAddressTracker WHERE EmailAddress = ? FOR UPDATE");
    before.execute({email});
    if (!before.fetch())
        return std::nullopt;
    const bool was = before.integer(0) != 0;
    while (before.fetch()) {
    }
    MysqlStatement set = _db.prepare("UPDATE EmailAddressTracker SET IgnoreBounces = ? WHERE EmailAddress = ?");
    set.execute({on ? 1 : 0, email});
    // IgnoreBounces overrides the policy, so what the policy suppressed is mailed
    // again; the sender skips inactive members before it asks the policy.
    AddressChange change;
    change.reactivated = on ? restorePolicyMemberships(email) : 0;
    change.detail = std::string("ignore_bounces=") + (on ? "on" : "off") + " was=" + (was ? "on" : "off") +
                    (change.reactivated ? " reactivated=" + std::to_string(change.reactivated) : std::string());
    audit(actor, "ignore", email, change.detail);
    tx.commit();
    return change;
}

std::optional<SubscriptionChange> AddressPolicyStore::setSubscribed(std::uint64_t listId, const std::string& listName,
                                                                    const std::string& email, bool active,
                                                                    const std::string& actor)
{
    Transaction tx(_db);
    MysqlStatement before = _db.prepare("SELECT active FROM members WHERE list_id = ? AND email = ? FOR UPDATE");
    const auto list = static_cast<std::int64_t>(listId);
    before.execute({list, email});
    if (!before.fetch())
        return std::nullopt;
    SubscriptionChange change;
    change.was = before.integer(0) != 0;
    while (before.fetch()) {
    }
    // An opt-out is recorded as one, so that a reset never gives the membership back.
    MysqlStatement set = _db.prepare(
        "UPDATE members SET active = ?, inactive_reason = IF(? = 1, NULL, 'unsubscribed') WHERE list_id = ? AND email = ?");
    set.execute({active ? 1 : 0, active ? 1 : 0, list, email});
    change.detail = "list=" + listName + " active=" + (active ? "1" : "0") + " was=" + (change.was ? "1" : "0");
    audit(actor, active ? "resubscribe" : "unsubscribe", email, change.detail);
    tx.commit();
    return change;
}

} // namespace verpmail
