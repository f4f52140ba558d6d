#include "MemberLookup.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/TrackerStore.h"

namespace verpmail {

std::unordered_map<std::string, MemberRecord> lookupMembers(MysqlConnection& db, unsigned listId,
                                                            const std::vector<std::string>& emails,
                                                            const std::string& softWindowStart)
{
    std::unordered_map<std::string, MemberRecord> found;
    if (emails.empty())
        return found;
    std::string in;
    std::vector<SqlValue> params{softWindowStart, listId};
    for (const std::string& e : emails) {
        in += in.empty() ? "?" : ",?";
        params.emplace_back(e);
    }
    MysqlStatement st = db.prepare(std::string(
        "SELECT m.email, COALESCE(m.name, ''), COALESCE(t.IgnoreBounces, 0), COALESCE(t.HardBounceCount, 0),"
        " COALESCE(t.ComplaintCount, 0), COALESCE(t.BlockCount, 0), ") +
        "IF(t.EmailAddress IS NULL, 0, " + kSoftInWindowSql + "), t.SuppressedReason"
        " FROM members m LEFT JOIN EmailAddressTracker t ON t.EmailAddress = m.email"
        " WHERE m.list_id = ? AND m.active = 1 AND m.email IN (" + in + ")");
    st.execute(params);
    while (st.fetch()) {
        MemberRecord r;
        r.email = st.text(0);
        r.name = st.text(1);
        r.history.ignoreBounces = st.integer(2) != 0;
        r.history.hardBounces = static_cast<unsigned>(st.integer(3));
        r.history.complaints = static_cast<unsigned>(st.integer(4));
        r.history.blocks = static_cast<unsigned>(st.integer(5));
        r.history.softBouncesInWindow = static_cast<unsigned>(st.integer(6));
        r.suppressedReason = st.optionalText(7);
        found.emplace(r.email, std::move(r));
    }
    return found;
}

} // namespace verpmail
