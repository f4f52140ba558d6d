#include "verpmail/store/ReportCounters.h"

#include "verpmail/db/MysqlConnection.h"

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
    if (emails.empty())
        return;
    std::string in;
    std::vector<SqlValue> params{campaign};
    for (const std::string& email : emails) {
        in += in.empty() ? "?" : ",?";
        params.emplace_back(email);
    }
    const Columns columns = sendColumns();
    const std::string where = " WHERE campaign_id = ? AND email IN (" + in + ")";
    for (const CounterTable& table : kCounterTables)
        if (table.countsSends) {
            MysqlStatement st = db.prepare(accumulateSql(table, "counted_sends", columns, where));
            st.execute(params);
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
