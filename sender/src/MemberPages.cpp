#include "MemberPages.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/TrackerStore.h"

namespace verpmail {

MemberPages::MemberPages(MysqlConnection& db, unsigned listId, std::string campaign, const PolicySettings& policy,
                         unsigned pageSize)
    : _db(db), _listId(listId), _campaign(std::move(campaign)), _windowStart(utcDaysAgo(policy.softWindowDays)),
      _pageSize(pageSize)
{
}

std::vector<MemberRecord> MemberPages::next()
{
    std::vector<MemberRecord> page;
    if (_done)
        return page;
    MysqlStatement st = _db.prepare(std::string(
        "SELECT m.email, COALESCE(m.name, ''), COALESCE(t.IgnoreBounces, 0), COALESCE(t.HardBounceCount, 0),"
        " COALESCE(t.ComplaintCount, 0), COALESCE(t.BlockCount, 0), ") +
        "IF(t.EmailAddress IS NULL, 0, " + kSoftInWindowSql + "), t.SuppressedReason, s.status"
        " FROM members m"
        " LEFT JOIN EmailAddressTracker t ON t.EmailAddress = m.email"
        " LEFT JOIN send_log s ON s.campaign_id = ? AND s.email = m.email"
        " WHERE m.list_id = ? AND m.active = 1 AND m.email > ?"
        " ORDER BY m.email LIMIT ?");
    st.execute({_windowStart, _campaign, _listId, _after, static_cast<std::int64_t>(_pageSize)});
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
        r.campaignStatus = st.optionalText(8);
        page.push_back(std::move(r));
    }
    if (page.size() < _pageSize)
        _done = true;
    if (!page.empty())
        _after = page.back().email;
    return page;
}

} // namespace verpmail
