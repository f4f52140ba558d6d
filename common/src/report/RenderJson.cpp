#include "verpmail/report/Render.h"

#include "verpmail/util/Json.h"

namespace verpmail {
namespace {

void writeCell(JsonWriter& j, const Cell& cell)
{
    if (cell.isNull())
        j.null();
    else if (cell.isCount())
        j.value(cell.count());
    else if (cell.isRatio())
        j.value(cell.number());
    else
        j.value(cell.str());
}

void writeTable(JsonWriter& j, const ReportTable& t)
{
    if (t.keyValue) {
        j.beginObject();
        for (const auto& row : t.rows) {
            j.key(row.at(0).str());
            writeCell(j, row.at(1));
        }
        j.endObject();
        return;
    }
    j.beginArray();
    for (const auto& row : t.rows) {
        j.beginObject();
        for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c) {
            j.key(t.columns[c].id);
            writeCell(j, row[c]);
        }
        j.endObject();
    }
    j.endArray();
}

} // namespace

std::string renderJson(const Report& report)
{
    JsonWriter j;
    if (report.tables.size() == 1 && !report.tables.front().keyValue) {
        writeTable(j, report.tables.front());
        return j.str() + "\n";
    }
    j.beginObject().key("report").value(report.name);
    if (report.windowed)
        j.key("since").value(report.window.since).key("until").value(report.window.until);
    for (const ReportTable& t : report.tables) {
        j.key(t.id);
        writeTable(j, t);
    }
    j.endObject();
    return j.str() + "\n";
}

} // namespace verpmail
