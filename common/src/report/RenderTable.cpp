#include "verpmail/report/Render.h"

#include "verpmail/util/TextTable.h"

#include <cctype>

namespace verpmail {
namespace {

std::string heading(const std::string& id)
{
    std::string out;
    for (char c : id)
        out += c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::string renderTable(const Report& report)
{
    std::string out;
    if (report.windowed)
        out += report.title + ", " + report.window.since + " to " + report.window.until + " UTC\n";
    for (const ReportTable& t : report.tables) {
        if (report.tables.size() > 1 || !report.windowed)
            out += (out.empty() ? "" : "\n") + t.title + ":\n";
        std::vector<std::string> header;
        for (const Column& c : t.columns)
            header.push_back(heading(c.id));
        TextTable text(header);
        for (const auto& row : t.rows) {
            std::vector<std::string> cells;
            for (const Cell& cell : row)
                cells.push_back(cell.isNull() ? "-" : cell.str());
            text.add(std::move(cells));
        }
        out += text.render();
        if (!t.footer.empty())
            out += t.footer + "\n";
    }
    return out;
}

} // namespace verpmail
