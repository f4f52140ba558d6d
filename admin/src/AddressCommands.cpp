#include "AddressCommands.h"

#include "AdminApp.h"
#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

namespace verpmail {

std::string normalizedAddress(const std::string& text)
{
    const std::optional<EmailAddress> address = EmailAddress::parse(text);
    if (!address)
        throw AdminError(ExitStatus::DataErr, "not a valid address: \"" + printable(text) + "\"");
    return address->normalized();
}

std::uint64_t restorePolicyMemberships(MysqlConnection& db, const std::string& email)
{
    // Only what the policy took away (members.inactive_reason, sql/008): a member who
    // unsubscribed, or complained about a list, stays out of it.
    MysqlStatement restore = db.prepare("UPDATE members SET active = 1, inactive_reason = NULL WHERE email = ?"
                                        " AND active = 0 AND inactive_reason = 'policy'");
    restore.execute({email});
    return restore.affectedRows();
}

ExitStatus resetAddress(MysqlConnection& db, const std::string& addressText, std::ostream& out)
{
    const std::string email = normalizedAddress(addressText);
    Transaction tx(db);
    MysqlStatement before = db.prepare(
        "SELECT HardBounceCount, SoftBounceCount, ComplaintCount, SentSinceBounce, PolicyState, QuarantineCount,"
        " COALESCE(SuppressedReason, ''), COALESCE(DecisionRule, '') FROM EmailAddressTracker WHERE EmailAddress = ?"
        " FOR UPDATE");
    before.execute({email});
    if (!before.fetch())
        throw AdminError(ExitStatus::DataErr, "no tracker row for " + email + " (never mailed): nothing to reset");
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

    // Times have whole seconds and the policy counts a return from the second of the
    // reset on: a return already recorded in this second must not survive it.
    MysqlStatement reset = db.prepare(
        "UPDATE EmailAddressTracker SET CountsResetAt = GREATEST(UTC_TIMESTAMP(), COALESCE((SELECT MAX(b.bounced_at)"
        " + INTERVAL 1 SECOND FROM bounce_logs b WHERE b.email = ?), UTC_TIMESTAMP())), HardBounceCount = 0, SoftBounceCount = 0,"
        " ComplaintCount = 0, SentSinceBounce = 0, SoftCountsFrom = NULL, PolicyState = 'active',"
        " QuarantineUntil = NULL, QuarantineCount = 0, SuppressedAt = NULL, SuppressedReason = NULL,"
        " DecisionRule = NULL, DecidedAt = NULL WHERE EmailAddress = ?");
    reset.execute({email, email});
    // The per-list bounce status follows: the operator says the address is good again.
    MysqlStatement members = db.prepare("UPDATE members SET bounce_count = 0, bounce_status = 'clean' WHERE email = ?");
    members.execute({email});
    const std::uint64_t reactivated = restorePolicyMemberships(db, email);
    MysqlStatement decision = db.prepare(
        "INSERT INTO policy_decisions (email, state, action, rule, evidence, actor, decided_at)"
        " VALUES (?, 'active', 'reset', 'admin reset', ?, ?, UTC_TIMESTAMP())");
    decision.execute({email, evidence.str(), auditActor()});
    const std::string detail = "previous hard=" + std::to_string(hard) + " soft=" + std::to_string(soft) +
                               " complaints=" + std::to_string(complaints) + " state=" + state +
                               " reactivated=" + std::to_string(reactivated);
    writeAudit(db, "reset", email, detail);
    tx.commit();
    out << "reset address=" << email << " " << detail << "\n";
    return ExitStatus::Ok;
}

ExitStatus ignoreAddress(MysqlConnection& db, const std::string& addressText, bool ignore, std::ostream& out)
{
    const std::string email = normalizedAddress(addressText);
    Transaction tx(db);
    MysqlStatement before = db.prepare("SELECT IgnoreBounces FROM EmailAddressTracker WHERE EmailAddress = ? FOR UPDATE");
    before.execute({email});
    if (!before.fetch())
        throw AdminError(ExitStatus::DataErr, "no tracker row for " + email + " (never mailed)");
    const bool was = before.integer(0) != 0;
    MysqlStatement set = db.prepare("UPDATE EmailAddressTracker SET IgnoreBounces = ? WHERE EmailAddress = ?");
    set.execute({ignore ? 1 : 0, email});
    // IgnoreBounces overrides the policy, so what the policy suppressed is mailed
    // again; the sender skips inactive members before it asks the policy.
    const std::uint64_t reactivated = ignore ? restorePolicyMemberships(db, email) : 0;
    const std::string detail = std::string("ignore_bounces=") + (ignore ? "on" : "off") + " was=" + (was ? "on" : "off") +
                               (reactivated ? " reactivated=" + std::to_string(reactivated) : std::string());
    writeAudit(db, "ignore", email, detail);
    tx.commit();
    out << "ignore address=" << email << " " << detail << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
