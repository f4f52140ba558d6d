#include "verpmail/store/ListingStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlStatement.h"

namespace verpmail {
namespace {

constexpr const char* kListSql =
    "SELECT l.id, l.name, l.from_address,"
    " COALESCE(SUM(m.active = 1), 0), COALESCE(SUM(m.active = 0), 0)"
    " FROM lists l LEFT JOIN members m ON m.list_id = l.id"
    " GROUP BY l.id, l.name, l.from_address ORDER BY l.name";

constexpr const char* kMemberColumns =
    "SELECT m.id, m.email, m.name, m.active, m.inactive_reason, m.bounce_status, m.bounce_count,"
    " DATE_FORMAT(m.last_bounce_at, '%Y-%m-%d %H:%i:%s')"
    " FROM members m WHERE m.list_id = ?";

constexpr const char* kMemberSql =
    "SELECT m.id, m.email, m.name, m.active, m.inactive_reason, m.bounce_status, m.bounce_count,"
    " DATE_FORMAT(m.last_bounce_at, '%Y-%m-%d %H:%i:%s'), m.list_id, l.name"
    " FROM members m JOIN lists l ON l.id = m.list_id WHERE m.id = ?";

constexpr const char* kTrackerSql =
    "SELECT BounceCount, HardBounceCount, SoftBounceCount, BlockCount, ComplaintCount, SentSinceBounce,"
    " PolicyState, SuppressedReason, IgnoreBounces, DATE_FORMAT(LastBounce, '%Y-%m-%d %H:%i:%s')"
    " FROM EmailAddressTracker WHERE EmailAddress = ?";

std::uint64_t count(const MysqlStatement& st, std::size_t column)
{
    return static_cast<std::uint64_t>(st.integer(column));
}

MemberRow memberFrom(const MysqlStatement& st)
{
    MemberRow row;
    row.id = static_cast<std::uint64_t>(st.integer(0));
    row.email = st.text(1);
    row.name = st.optionalText(2);
    row.active = st.integer(3) != 0;
    row.inactiveReason = st.optionalText(4);
    row.bounceStatus = st.text(5);
    row.bounceCount = static_cast<std::uint64_t>(st.integer(6));
    row.lastBounceAt = st.optionalText(7);
    return row;
}

} // namespace

std::string likeLiteral(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::vector<ListSummary> ListingStore::lists()
{
    MysqlStatement st = _db.prepare(kListSql);
    st.execute();
    std::vector<ListSummary> out;
    while (st.fetch())
        out.push_back({static_cast<std::uint64_t>(st.integer(0)), st.text(1), st.text(2),
                       static_cast<std::uint64_t>(st.integer(3)), static_cast<std::uint64_t>(st.integer(4))});
    return out;
}

std::optional<std::vector<MemberRow>> ListingStore::members(const std::string& listName, const MemberFilter& filter)
{
    MysqlStatement find = _db.prepare("SELECT id FROM lists WHERE name = ?");
    find.execute({listName});
    if (!find.fetch())
        return std::nullopt;
    const std::int64_t listId = find.integer(0);
    while (find.fetch()) {
    }

    std::string sql = kMemberColumns;
    std::vector<SqlValue> params{listId};
    if (!filter.contains.empty()) {
        sql += " AND m.email LIKE ?";
        params.emplace_back("%" + likeLiteral(filter.contains) + "%");
    }
    if (!filter.status.empty()) {
        sql += " AND m.bounce_status = ?";
        params.emplace_back(filter.status);
    }
    if (filter.active) {
        sql += " AND m.active = ?";
        params.emplace_back(*filter.active ? 1 : 0);
    }
    if (!filter.after.empty()) {
        sql += " AND m.email > ?";
        params.emplace_back(filter.after);
    }
    sql += " ORDER BY m.email LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(filter.limit) + 1);
    MysqlStatement st = _db.prepare(sql);
    st.execute(params);
    std::vector<MemberRow> rows;
    while (st.fetch())
        rows.push_back(memberFrom(st));
    return rows;
}

std::optional<MemberDetail> ListingStore::member(std::uint64_t id)
{
    MysqlStatement st = _db.prepare(kMemberSql);
    st.execute({static_cast<std::int64_t>(id)});
    if (!st.fetch())
        return std::nullopt;
    MemberDetail detail;
    detail.member = memberFrom(st);
    detail.listId = count(st, 8);
    detail.listName = st.text(9);
    while (st.fetch()) {
    }
    MysqlStatement tracker = _db.prepare(kTrackerSql);
    tracker.execute({detail.member.email});
    if (tracker.fetch()) {
        TrackerState t;
        t.bounceCount = count(tracker, 0);
        t.hardBounceCount = count(tracker, 1);
        t.softBounceCount = count(tracker, 2);
        t.blockCount = count(tracker, 3);
        t.complaintCount = count(tracker, 4);
        t.sentSinceBounce = count(tracker, 5);
        t.policyState = tracker.text(6);
        t.suppressedReason = tracker.optionalText(7);
        t.ignoreBounces = tracker.integer(8) != 0;
        t.lastBounceAt = tracker.optionalText(9);
        detail.tracker = t;
        while (tracker.fetch()) {
        }
    }
    return detail;
}

std::vector<BounceRow> ListingStore::bounces(const std::string& email, unsigned limit)
{
    MysqlStatement st = _db.prepare(
        "SELECT id, bounce_type, bounce_reason, status_code, diagnostic,"
        " DATE_FORMAT(bounced_at, '%Y-%m-%d %H:%i:%s'), campaign, kind"
        " FROM bounce_logs WHERE email = ? ORDER BY bounced_at DESC, id DESC LIMIT ?");
    st.execute({email, static_cast<std::int64_t>(limit)});
    std::vector<BounceRow> out;
    while (st.fetch()) {
        BounceRow b;
        b.id = count(st, 0);
        b.bounceType = st.text(1);
        b.reason = st.text(2);
        b.statusCode = st.text(3);
        b.diagnostic = st.text(4);
        b.bouncedAt = st.text(5);
        b.campaign = st.optionalText(6);
        b.kind = st.text(7);
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<DecisionRow> ListingStore::decisions(const std::string& email, unsigned limit)
{
    MysqlStatement st = _db.prepare(
        "SELECT id, state, action, rule, evidence, actor, DATE_FORMAT(decided_at, '%Y-%m-%d %H:%i:%s')"
        " FROM policy_decisions WHERE email = ? ORDER BY decided_at DESC, id DESC LIMIT ?");
    st.execute({email, static_cast<std::int64_t>(limit)});
    std::vector<DecisionRow> out;
    while (st.fetch())
        out.push_back({count(st, 0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
    return out;
}

} // namespace verpmail
