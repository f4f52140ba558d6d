#include "verpmail/store/ReportCounters.h"

#include "verpmail/db/MysqlConnection.h"

namespace verpmail {
namespace {

using Columns = std::vector<const char*>;

Columns returnColumns() { return Columns(kReturnColumns.begin(), kReturnColumns.end()); }

Columns sendColumns() { return Columns(kSendColumns.begin(), kSendColumns.end()); }

Columns allColumns(const CounterTable& table)
{
    Columns columns = table.countsSends ? sendColumns() : Columns();
    columns.insert(columns.end(), kReturnColumns.begin(), kReturnColumns.end());
    return columns;
}

enum class Rows
{
    Many,  // group by the table's keys, in key order
    One,   // `where` selects one row: no grouping (and no temporary table) per return
};

// Adds the rows of a counted_* view that match `where` to `table`: one statement
// that inserts or adds each group of the table's keys. Groups go in key order, so
// every writer locks a table's rows in the same order.
std::string accumulateSql(const CounterTable& table, const char* source, const Columns& columns,
                          const std::string& where, Rows rows = Rows::Many)
{
    const std::string keys = std::string(table.keys[0]) + ", " + table.keys[1];
    std::string names, sums, additions;
    for (const char* c : columns) {
        const std::string column(c);
        names += ", " + column;
        sums += rows == Rows::One ? ", " + column : ", SUM(" + column + ")";
        // Qualified: without grouping, the view's columns of the same names are in scope too.
        const std::string target = std::string(table.name) + "." + column;
        additions += (additions.empty() ? "" : ", ") + target + " = " + target + " + VALUES(" + column + ")";
    }
    const std::string grouping = rows == Rows::One ? "" : " GROUP BY " + keys + " ORDER BY " + keys;
    return "INSERT INTO " + std::string(table.name) + " (" + keys + names + ") SELECT " + keys + sums + " FROM " +
           source + where + grouping + " ON DUPLICATE KEY UPDATE " + additions;
}

} // namespace

void countReturn(MysqlConnection& db, std::uint64_t id)
{
    const Columns columns = returnColumns();
    for (const CounterTable& table : kCounterTables) {
        MysqlStatement st = db.prepare(accumulateSql(table, "counted_returns", columns, " WHERE id = ?", Rows::One));
        st.execute({static_cast<std::int64_t>(id)});
    }
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
