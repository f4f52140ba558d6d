#include "verpmail/report/ReportQueries.h"

#include "verpmail/db/MysqlConnection.h"

#include <cstring>
#include <stdexcept>

namespace verpmail {
namespace {

// A place counts come from: a counts_* table, or one of sql/005's counted_* views of
// the raw rows (subtracted), with the WHERE clause that picks its rows.
struct Source
{
    std::string from;  // "table WHERE ..."
    std::vector<SqlValue> params;
    bool hasSends = true;  // has the accepted and rejected columns
    bool subtract = false;
};

// The counter tables that hold the scope's counts grouped by `column`.
std::vector<Source> counterSources(const ReportScope& scope, const std::string& column)
{
    const bool byReason = column == "bounce_reason";
    if (scope.campaign) {
        if (scope.window || (column != "domain" && !byReason))
            throw std::logic_error("one campaign's counts are kept for all time, per domain and per reason");
        if (byReason)
            return {{"counts_campaign_reason WHERE campaign = ?", {*scope.campaign}, false}};
        return {{"counts_campaign_domain WHERE campaign = ?", {*scope.campaign}}};
    }
    if (column == "domain") {
        if (!scope.window)
            return {{"counts_month_domain", {}}};
        // The rest of the first month by day, then whole months.
        const std::string& first = scope.window->sinceDay;
        return {{"counts_day_domain WHERE day >= ? AND day <= LAST_DAY(?)", {first, first}},
                {"counts_month_domain WHERE month > ?", {first}}};
    }
    const char* table = byReason ? "counts_day_reason" : "counts_day_campaign";
    if (!scope.window)
        return {{table, {}, !byReason}};
    return {{std::string(table) + " WHERE day >= ?", {scope.window->sinceDay}, !byReason}};
}

// The rows of the window's first day from before `since`: the day's counters hold
// them, the window does not. Purged rows are not here, so a purged day counts whole.
std::vector<Source> firstDayBeforeSince(const ReportScope& scope, bool sends)
{
    if (!scope.window)
        return {};
    const std::string midnight = scope.window->sinceDay + " 00:00:00";
    if (scope.window->since <= midnight)
        return {};
    const std::vector<SqlValue> range{midnight, scope.window->since};
    std::vector<Source> out{{"counted_returns WHERE at >= ? AND at < ?", range, true, true}};
    if (sends)
        out.push_back({"counted_sends WHERE at >= ? AND at < ?", range, true, true});
    return out;
}

std::string countSelect(const Source& source, const std::string& column)
{
    const std::string sign = source.subtract ? "-" : "";
    std::string sql = "SELECT " + column + " AS k";
    for (const char* c : kSendColumns)
        sql += (source.hasSends ? ", " + sign + "SUM(" + c + ")" : std::string(", 0")) + " AS " + c;
    for (const char* c : kReturnColumns)
        sql += ", " + sign + "SUM(" + c + ") AS " + c;
    return sql + " FROM " + source.from + " GROUP BY " + column;
}

// Counts per value of `column` (day, domain, campaign or bounce_reason): every
// source grouped on the server, then added up there (so keys that differ only in
// case, which the tables' collation makes one, stay one). Keys whose counts come
// to nothing are left out.
std::map<std::string, Tally> countsBy(MysqlConnection& db, const ReportScope& scope, const std::string& column)
{
    std::vector<Source> sources = counterSources(scope, column);
    for (Source& s : firstDayBeforeSince(scope, column != "bounce_reason"))
        sources.push_back(std::move(s));
    std::string parts;
    std::vector<SqlValue> params;
    for (const Source& s : sources) {
        parts += (parts.empty() ? "" : " UNION ALL ") + countSelect(s, column);
        params.insert(params.end(), s.params.begin(), s.params.end());
    }
    std::string sums;
    for (const char* c : kSendColumns)
        sums += std::string(", SUM(") + c + ")";
    for (const char* c : kReturnColumns)
        sums += std::string(", SUM(") + c + ")";
    MysqlStatement st = db.prepare("SELECT k" + sums + " FROM (" + parts + ") u GROUP BY k");
    st.execute(params);
    std::map<std::string, Tally> out;
    while (st.fetch()) {
        Tally t;
        t.sent.accepted = st.integer(1);
        t.sent.rejected = st.integer(2);
        for (std::size_t i = 0; i < kReturnColumns.size(); ++i)
            t.returns.byClass[i] = st.integer(3 + i);
        if (t.sent.sent() != 0 || t.returns.total() != 0)
            out[st.text(0)] = t;
    }
    return out;
}

const char* columnOf(GroupKey key)
{
    switch (key) {
    case GroupKey::Day: return "day";
    case GroupKey::Domain: return "domain";
    case GroupKey::Campaign: return "campaign";
    }
    throw std::logic_error("unknown group key");
}

} // namespace

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

Tally& Tally::operator+=(const Tally& other)
{
    sent.accepted += other.sent.accepted;
    sent.rejected += other.sent.rejected;
    for (std::size_t i = 0; i < returns.byClass.size(); ++i)
        returns.byClass[i] += other.returns.byClass[i];
    return *this;
}

std::map<std::string, Tally> talliesBy(MysqlConnection& db, const ReportScope& scope, GroupKey key)
{
    return countsBy(db, scope, columnOf(key));
}

std::map<std::pair<std::string, std::string>, std::int64_t> returnsByReason(MysqlConnection& db, const ReportScope& scope)
{
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    for (const auto& [reason, tally] : countsBy(db, scope, "bounce_reason"))
        for (std::size_t i = 0; i < kReturnClasses.size(); ++i)
            if (tally.returns.byClass[i] != 0)
                out[{kReturnClasses[i], reason}] = tally.returns.byClass[i];
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
