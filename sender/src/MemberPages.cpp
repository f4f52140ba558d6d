#include "MemberPages.h"

#include "verpmail/db/MysqlConnection.h"

namespace verpmail {

MemberPages::MemberPages(MysqlConnection& db, unsigned listId, std::string campaign, unsigned pageSize)
    : _db(db), _listId(listId), _campaign(std::move(campaign)), _pageSize(pageSize)
{
}

std::vector<MemberRecord> MemberPages::next()
{
    std::vector<MemberRecord> page;
    if (_done)
        return page;
    MysqlStatement st = _db.prepare(
        "SELECT m.email, COALESCE(m.name, ''), s.status FROM members m"
        " LEFT JOIN send_log s ON s.campaign_id = ? AND s.email = m.email"
        " WHERE m.list_id = ? AND m.active = 1 AND m.email > ? ORDER BY m.email LIMIT ?");
    st.execute({_campaign, _listId, _after, static_cast<std::int64_t>(_pageSize)});
    while (st.fetch())
        page.push_back({st.text(0), st.text(1), st.optionalText(2)});
    if (page.size() < _pageSize)
        _done = true;
    if (!page.empty())
        _after = page.back().email;
    return page;
}

} // namespace verpmail
