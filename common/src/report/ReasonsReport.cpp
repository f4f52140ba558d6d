#include "verpmail/report/Reports.h"

#include <algorithm>

namespace verpmail {

void addReasonTable(Report& report, MysqlConnection& db, const ReportScope& scope, std::size_t maxRows)
{
    const auto counts = returnsByReason(db, scope);
    std::vector<std::pair<std::pair<std::string, std::string>, std::int64_t>> rows(counts.begin(), counts.end());
    std::int64_t total = 0;
    for (const auto& r : rows)
        total += r.second;
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    ReportTable& t = report.addTable("reasons", "Returns by class and reason",
                                     {{"class"}, {"reason"}, {"returns", true}, {"share", true}});
    for (std::size_t i = 0; i < rows.size() && (!maxRows || i < maxRows); ++i) {
        const auto& [key, n] = rows[i];
        t.rows.push_back({Cell(key.first), Cell(key.second.empty() ? std::string("(none)") : key.second), Cell(n),
                          Cell(total ? 100.0 * static_cast<double>(n) / static_cast<double>(total) : 0.0)});
    }
    if (maxRows && rows.size() > maxRows)
        t.footer = std::to_string(rows.size() - maxRows) + " more reasons: verpmail-admin report reasons";
}

Report reasonsReport(MysqlConnection& db, const ReportWindow& window)
{
    Report report{"reasons", "Returns by class and reason", window, true, {}, {}};
    addReasonTable(report, db, ReportScope{&window, std::nullopt}, 0);
    report.charts.push_back({"chart-reasons", "Returns by reason", ChartKind::HorizontalBars, "reasons",
                             {"class", "reason"}, {"returns"}, "", 30});
    return report;
}

} // namespace verpmail
