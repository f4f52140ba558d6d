#include "reports/ReportQueries.h"

#include "verpmail/db/MysqlConnection.h"

#include <cstring>
#include <stdexcept>

namespace verpmail {

const char* const kReturnDomainSql = "COALESCE(domain, LOWER(SUBSTRING_INDEX(email, '@', -1)), '')";

namespace {

// The same grouping expressions over the roll-up and the live rows.
const char* rollupExpression(GroupKey key)
{
    switch (key) {
    case GroupKey::Day: return "DATE_FORMAT(day, '%Y-%m-%d')";
    case GroupKey::Domain: return "domain";
    case GroupKey::Class: return "bounce_type";
    case GroupKey::Reason: return "bounce_reason";
    case GroupKey::Campaign: return "campaign";
    }
    throw std::logic_error("unknown group key");
}

const char* liveExpression(GroupKey key)
{
    switch (key) {
    case GroupKey::Day: return "DATE_FORMAT(bounced_at, '%Y-%m-%d')";
    case GroupKey::Domain: return kReturnDomainSql;
    case GroupKey::Class: return "CAST(bounce_type AS CHAR)";
    case GroupKey::Reason: return "bounce_reason";
    case GroupKey::Campaign: return "COALESCE(campaign, '')";
    }
    throw std::logic_error("unknown group key");
}

const char* sentExpression(GroupKey key)
{
    switch (key) {
    case GroupKey::Day: return "DATE_FORMAT(updated_at, '%Y-%m-%d')";
    case GroupKey::Domain: return "LOWER(SUBSTRING_INDEX(email, '@', -1))";
    case GroupKey::Campaign: return "campaign_id";
    case GroupKey::Class:
    case GroupKey::Reason: break;
    }
    throw std::logic_error("sends have no class or reason");
}

std::string joined(const std::vector<GroupKey>& keys, const char* (*expression)(GroupKey), bool alias)
{
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        out += i ? ", " : "";
        out += expression(keys[i]);
        if (alias)
            out += " AS k" + std::to_string(i);
    }
    return out;
}

struct Grouped
{
    std::vector<std::string> keys;
    std::int64_t count;
};

// Returns grouped on the server in each source, then added: both groupings are small
// (days x classes, domains x classes), the scans use covering indexes.
std::vector<Grouped> returnsGrouped(MysqlConnection& db, const ReportScope& scope, const std::vector<GroupKey>& keys)
{
    std::string outer;
    for (std::size_t i = 0; i < keys.size(); ++i)
        outer += (i ? ", k" : "k") + std::to_string(i);
    std::string rollupWhere = " WHERE 1 = 1";
    std::string liveWhere = " WHERE 1 = 1";
    std::vector<SqlValue> rollupParams, liveParams;
    if (scope.window) {
        rollupWhere += " AND day >= ?";
        rollupParams.emplace_back(scope.window->sinceDay);
        liveWhere += " AND bounced_at >= ?";
        liveParams.emplace_back(scope.window->since);
    }
    if (scope.campaign) {
        rollupWhere += " AND campaign = ?";
        rollupParams.emplace_back(*scope.campaign);
        liveWhere += " AND campaign = ?";
        liveParams.emplace_back(*scope.campaign);
    }
    const std::string sql =
        "SELECT " + outer + ", SUM(n) FROM ("
        "SELECT " + joined(keys, rollupExpression, true) + ", SUM(return_count) AS n FROM bounce_daily" + rollupWhere +
        " GROUP BY " + joined(keys, rollupExpression, false) +
        " UNION ALL "
        "SELECT " + joined(keys, liveExpression, true) + ", COUNT(*) AS n FROM bounce_logs" + liveWhere +
        " GROUP BY " + joined(keys, liveExpression, false) +
        ") u GROUP BY " + outer;
    std::vector<SqlValue> params = rollupParams;
    params.insert(params.end(), liveParams.begin(), liveParams.end());
    MysqlStatement st = db.prepare(sql);
    st.execute(params);
    std::vector<Grouped> rows;
    while (st.fetch()) {
        Grouped g;
        for (std::size_t i = 0; i < keys.size(); ++i)
            g.keys.push_back(st.text(i));
        g.count = st.integer(keys.size());
        rows.push_back(std::move(g));
    }
    return rows;
}

} // namespace

void ClassCounts::add(const std::string& bounceType, std::int64_t n)
{
    for (std::size_t i = 0; i < kReturnClasses.size(); ++i)
        if (bounceType == kReturnClasses[i]) {
            byClass[i] += n;
            return;
        }
    byClass[kReturnClasses.size() - 1] += n;  // an unknown class: count it, never drop it
}

std::int64_t ClassCounts::of(const char* bounceType) const
{
    for (std::size_t i = 0; i < kReturnClasses.size(); ++i)
        if (std::strcmp(bounceType, kReturnClasses[i]) == 0)
            return byClass[i];
    return 0;
}

std::int64_t ClassCounts::total() const
{
    std::int64_t sum = 0;
    for (std::int64_t n : byClass)
        sum += n;
    return sum;
}

std::int64_t ClassCounts::bounces() const { return of("hard") + of("soft") + of("block"); }

std::map<std::string, ClassCounts> returnsByClass(MysqlConnection& db, const ReportScope& scope, GroupKey key)
{
    std::map<std::string, ClassCounts> out;
    for (const Grouped& g : returnsGrouped(db, scope, {key, GroupKey::Class}))
        out[g.keys[0]].add(g.keys[1], g.count);
    return out;
}

std::map<std::pair<std::string, std::string>, std::int64_t> returnsByReason(MysqlConnection& db, const ReportScope& scope)
{
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    for (const Grouped& g : returnsGrouped(db, scope, {GroupKey::Class, GroupKey::Reason}))
        out[{g.keys[0], g.keys[1]}] += g.count;
    return out;
}

std::map<std::string, SentCounts> sentBy(MysqlConnection& db, const ReportScope& scope, GroupKey key)
{
    std::string where = " WHERE status IN ('accepted', 'rejected')";
    std::vector<SqlValue> params;
    if (scope.window) {
        where += " AND updated_at >= ?";
        params.emplace_back(scope.window->since);
    }
    if (scope.campaign) {
        where += " AND campaign_id = ?";
        params.emplace_back(*scope.campaign);
    }
    const std::string k = sentExpression(key);
    MysqlStatement st = db.prepare("SELECT " + k + ", SUM(status = 'accepted'), SUM(status = 'rejected') FROM send_log" +
                                   where + " GROUP BY " + k);
    st.execute(params);
    std::map<std::string, SentCounts> out;
    while (st.fetch()) {
        SentCounts& s = out[st.text(0)];
        s.accepted += st.integer(1);
        s.rejected += st.integer(2);
    }
    return out;
}

Cell bounceRate(std::int64_t bounces, std::int64_t sent)
{
    if (sent <= 0)
        return Cell();
    return Cell(100.0 * static_cast<double>(bounces) / static_cast<double>(sent));
}

std::vector<Column> classColumns()
{
    std::vector<Column> columns{{"returns", true}};
    for (const char* c : kReturnClasses)
        columns.push_back({c, true});
    return columns;
}

std::vector<Cell> classCells(const ClassCounts& counts)
{
    std::vector<Cell> cells{Cell(counts.total())};
    for (std::int64_t n : counts.byClass)
        cells.emplace_back(n);
    return cells;
}

} // namespace verpmail
