#include "verpmail/store/ReportCounters.h"

#include "verpmail/db/MysqlConnection.h"

#include <map>
#include <utility>

namespace verpmail {
namespace {

using Columns = std::vector<const char*>;

Columns sendColumns() { return Columns(kSendColumns.begin(), kSendColumns.end()); }

Columns allColumns(const CounterTable& table)
{
    Columns columns = table.countsSends ? sendColumns() : Columns();
    columns.insert(columns.end(), kReturnColumns.begin(), kReturnColumns.end());
    return columns;
}

// Adds the rows of a counted_* view that match `where` to `table`: one statement
// that inserts or adds each group of the table's keys. Groups go in key order, so
// every writer locks a table's rows in the same order.
std::string accumulateSql(const CounterTable& table, const char* source, const Columns& columns,
                          const std::string& where)
{
    const std::string keys = std::string(table.keys[0]) + ", " + table.keys[1];
    std::string names, sums, additions;
    for (const char* c : columns) {
        const std::string column(c);
        names += ", " + column;
        sums += ", SUM(" + column + ")";
        const std::string target = std::string(table.name) + "." + column;
        additions += (additions.empty() ? "" : ", ") + target + " = " + target + " + VALUES(" + column + ")";
    }
    return "INSERT INTO " + std::string(table.name) + " (" + keys + names + ") SELECT " + keys + sums + " FROM " +
           source + where + " GROUP BY " + keys + " ORDER BY " + keys + " ON DUPLICATE KEY UPDATE " + additions;
}

using SendRows = std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>>;

// `groups` summed under the keys of `table`, in key order (the same order for every
// writer, so two of them never lock a table's rows in a cycle).
SendRows sendRows(const CounterTable& table, const std::vector<SendGroup>& groups)
{
    SendRows rows;
    for (const SendGroup& g : groups) {
        auto& counts = rows[{g.keys.at(table.keys[0]), g.keys.at(table.keys[1])}];
        counts.first += g.accepted;
        counts.second += g.rejected;
    }
    return rows;
}

// Adds `groups` to `table`, one upsert for all of its rows.
void addSends(MysqlConnection& db, const CounterTable& table, const std::vector<SendGroup>& groups)
{
    const SendRows rows = sendRows(table, groups);
    if (rows.empty())
        return;
    std::string values;
    std::vector<SqlValue> params;
    for (const auto& [key, counts] : rows) {
        values += values.empty() ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
        params.insert(params.end(), {key.first, key.second, counts.first, counts.second});
    }
    MysqlStatement st = db.prepare("INSERT INTO " + std::string(table.name) + " (" + table.keys[0] + ", " +
                                   table.keys[1] + ", accepted, rejected) VALUES " + values +
                                   " ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted),"
                                   " rejected = rejected + VALUES(rejected)");
    st.execute(params);
}

} // namespace

void countReturn(MysqlConnection& db, std::uint64_t id)
{
    // One round trip: the procedure (sql/006) reads the row through counted_returns
    // once and upserts it into each table, in kCounterTables order.
    MysqlStatement st = db.prepare("CALL count_return(?)");
    st.execute({static_cast<std::int64_t>(id)});
}

void countSends(MysqlConnection& db, const std::string& campaign, const std::vector<std::string>& emails)
{
    const std::vector<SendGroup> groups = countedSends(db, campaign, emails);
    for (const CounterTable& table : kCounterTables)
        if (table.countsSends)
            addSends(db, table, groups);
}

std::vector<SendGroup> countedSends(MysqlConnection& db, const std::string& campaign,
                                    const std::vector<std::string>& emails)
{
    if (emails.empty())
        return {};
    // Read first, with a plain SELECT: InnoDB's consistent read takes no locks and
    // sees this transaction's own settling. An INSERT ... SELECT per table would
    // share-lock the send_log rows it scans while holding the counter rows the
    // previous table's statement added to; two senders settling at once then wait
    // on each other (a deadlock, seen as the rerun of a killed campaign failing).
    std::string in;
    std::vector<SqlValue> params{campaign};
    for (const std::string& email : emails) {
        in += in.empty() ? "?" : ",?";
        params.emplace_back(email);
    }
    MysqlStatement read = db.prepare(
        "SELECT day, month, domain, campaign, SUM(accepted), SUM(rejected) FROM counted_sends"
        " WHERE campaign_id = ? AND email IN (" + in + ") GROUP BY day, month, domain, campaign");
    read.execute(params);
    std::vector<SendGroup> groups;
    while (read.fetch())
        groups.push_back({{{"day", read.text(0)}, {"month", read.text(1)}, {"domain", read.text(2)}, {"campaign", read.text(3)}},
                          read.integer(4), read.integer(5)});
    return groups;
}

void uncountSends(MysqlConnection& db, const std::vector<SendGroup>& groups)
{
    for (const CounterTable& table : kCounterTables) {
        if (!table.countsSends)
            continue;
        // One row at a time, in key order. GREATEST keeps a count that drifted
        // (rows written behind the programs' backs) at zero instead of failing the
        // caller's change; `db recount` puts it right.
        MysqlStatement st = db.prepare("UPDATE " + std::string(table.name) +
                                       " SET accepted = GREATEST(accepted, ?) - ?, rejected = GREATEST(rejected, ?) - ?"
                                       " WHERE " + table.keys[0] + " = ? AND " + table.keys[1] + " = ?");
        for (const auto& [key, counts] : sendRows(table, groups))
            st.execute({counts.first, counts.first, counts.second, counts.second, key.first, key.second});
    }
}

void recountAll(MysqlConnection& db)
{
    for (const CounterTable& table : kCounterTables) {
        db.prepare("DELETE FROM " + std::string(table.name)).execute();
        const Columns columns = allColumns(table);
        for (const char* source : {"counted_returns", "counted_rollups", "counted_sends"})
            if (table.countsSends || source != std::string("counted_sends"))
                db.prepare(accumulateSql(table, source, columns, "")).execute();
    }
}

} // namespace verpmail
