#include "verpmail/store/MembershipStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/util/Printable.h"

namespace verpmail {

std::optional<Membership> MembershipStore::byId(std::uint64_t id)
{
    MysqlStatement st = _db.prepare(
        "SELECT m.id, m.list_id, l.name, m.email, m.active, COALESCE(m.inactive_reason, '')"
        " FROM members m JOIN lists l ON l.id = m.list_id WHERE m.id = ?");
    st.execute({static_cast<std::int64_t>(id)});
    if (!st.fetch())
        return std::nullopt;
    Membership m;
    m.id = static_cast<std::uint64_t>(st.integer(0));
    m.listId = static_cast<std::uint64_t>(st.integer(1));
    m.listName = st.text(2);
    m.email = st.text(3);
    m.active = st.integer(4) != 0;
    m.inactiveReason = st.text(5);
    return m;
}

std::optional<Membership> MembershipStore::byToken(const UnsubscribeTokens& tokens, std::string_view token)
{
    const std::optional<ParsedUnsubscribeToken> parsed = UnsubscribeTokens::parse(token);
    if (!parsed || parsed->memberId > static_cast<std::uint64_t>(INT64_MAX))
        return std::nullopt;
    std::optional<Membership> m = byId(parsed->memberId);
    if (!m || !tokens.verify(*parsed, m->listId, m->email))
        return std::nullopt;
    return m;
}

OptOut MembershipStore::unsubscribe(std::uint64_t id, const std::string& actor, const std::string& via)
{
    Transaction tx(_db);
    MysqlStatement before = _db.prepare(
        "SELECT m.email, l.name, m.active, COALESCE(m.inactive_reason, '') FROM members m"
        " JOIN lists l ON l.id = m.list_id WHERE m.id = ? FOR UPDATE");
    before.execute({static_cast<std::int64_t>(id)});
    if (!before.fetch())
        return OptOut::NoSuchMembership;
    const std::string email = before.text(0), list = before.text(1), reason = before.text(3);
    const bool active = before.integer(2) != 0;
    // Out by the policy (a bounce): the member's own wish now outlives any reset.
    if (!active && (reason == "unsubscribed" || reason == "complaint"))
        return OptOut::AlreadyOut;
    MysqlStatement set = _db.prepare("UPDATE members SET active = 0, inactive_reason = 'unsubscribed' WHERE id = ?");
    set.execute({static_cast<std::int64_t>(id)});
    MysqlStatement audit = _db.prepare(
        "INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (UTC_TIMESTAMP(), ?, 'unsubscribe', ?, ?)");
    const std::string detail = "list=" + list + " was=" + (active ? "1" : "0") + " via=" + via;
    audit.execute({printable(actor, 128), printable(email, 320), printable(detail, 1000)});
    tx.commit();
    return OptOut::Unsubscribed;
}

} // namespace verpmail
