#include "MemberLookup.h"

#include "verpmail/db/MysqlConnection.h"

namespace verpmail {

std::unordered_map<std::string, MemberRecord> lookupMembers(MysqlConnection& db, unsigned listId,
                                                            const std::vector<std::string>& emails)
{
    std::unordered_map<std::string, MemberRecord> found;
    if (emails.empty())
        return found;
    std::string in;
    std::vector<SqlValue> params{listId};
    for (const std::string& e : emails) {
        in += in.empty() ? "?" : ",?";
        params.emplace_back(e);
    }
    // By the email index: with the primary key the optimizer may read the whole list
    // (its estimate of a list's size is the average over all lists).
    MysqlStatement st = db.prepare("SELECT id, email, COALESCE(name, '') FROM members FORCE INDEX (ix_members_email)"
                                   " WHERE list_id = ? AND active = 1 AND email IN (" + in + ")");
    st.execute(params);
    while (st.fetch()) {
        MemberRecord r;
        r.id = static_cast<std::uint64_t>(st.integer(0));
        r.email = st.text(1);
        r.name = st.text(2);
        found.emplace(r.email, std::move(r));
    }
    return found;
}

} // namespace verpmail
