#include "verpmail/report/Reports.h"

#include <algorithm>

namespace verpmail {

std::string keyLabel(const std::string& key) { return key.empty() ? "(unknown)" : key; }

void addDomainTable(Report& report, MysqlConnection& db, const ReportScope& scope, std::size_t maxRows)
{
    const std::map<std::string, Tally> tallies = talliesBy(db, scope, GroupKey::Domain);
    std::vector<std::pair<std::string, Tally>> rows(tallies.begin(), tallies.end());
    // The domains that return the most first; ties by volume, then by name.
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        if (a.second.returns.total() != b.second.returns.total())
            return a.second.returns.total() > b.second.returns.total();
        if (a.second.sent.sent() != b.second.sent.sent())
            return a.second.sent.sent() > b.second.sent.sent();
        return a.first < b.first;
    });

    std::vector<Column> columns{{"domain"}, {"sent", true}, {"accepted", true}, {"rejected", true}};
    for (const Column& c : classColumns())
        columns.push_back(c);
    columns.push_back({"bounce_rate", true});
    const bool top = maxRows && rows.size() > maxRows;
    ReportTable& t = report.addTable(maxRows ? "top_domains" : "domains",
                                     maxRows ? "Receiving domains with the most returns" : "Receiving domains", columns);
    for (std::size_t i = 0; i < rows.size() && (!maxRows || i < maxRows); ++i) {
        const auto& [domain, tally] = rows[i];
        std::vector<Cell> row{Cell(keyLabel(domain)), Cell(tally.sent.sent()), Cell(tally.sent.accepted),
                              Cell(tally.sent.rejected)};
        for (Cell& cell : classCells(tally.returns))
            row.push_back(std::move(cell));
        row.push_back(bounceRate(tally.returns.bounces(), tally.sent.sent()));
        t.rows.push_back(std::move(row));
    }
    if (top)
        t.footer = std::to_string(rows.size() - maxRows) + " more domains: verpmail-admin report domains";
}

Report domainsReport(MysqlConnection& db, const ReportWindow& window)
{
    Report report{"domains", "Returns and bounce rate by receiving domain", window, true, {}, {}};
    addDomainTable(report, db, ReportScope{&window, std::nullopt}, 0);
    report.charts.push_back({"chart-domain-bounce-rate", "Bounce rate of the 25 domains with the most returns",
                             ChartKind::HorizontalBars, "domains", {"domain"}, {"bounce_rate"}, "%", 25});
    report.charts.push_back({"chart-domain-returns", "Returns of the 25 domains with the most returns",
                             ChartKind::HorizontalBars, "domains", {"domain"}, {"returns"}, "", 25});
    return report;
}

} // namespace verpmail
