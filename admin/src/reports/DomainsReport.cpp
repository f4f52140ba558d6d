#include "reports/Reports.h"

#include <algorithm>
#include <set>

namespace verpmail {

std::string keyLabel(const std::string& key) { return key.empty() ? "(unknown)" : key; }

void addDomainTable(Report& report, MysqlConnection& db, const ReportScope& scope, std::size_t maxRows)
{
    const std::map<std::string, ClassCounts> returns = returnsByClass(db, scope, GroupKey::Domain);
    const std::map<std::string, SentCounts> sent = sentBy(db, scope, GroupKey::Domain);
    struct Row
    {
        std::string domain;
        ClassCounts returns;
        SentCounts sent;
    };
    std::vector<Row> rows;
    for (const auto& [domain, counts] : returns) {
        const auto s = sent.find(domain);
        rows.push_back({domain, counts, s == sent.end() ? SentCounts{} : s->second});
    }
    for (const auto& [domain, counts] : sent)
        if (!returns.count(domain))
            rows.push_back({domain, ClassCounts{}, counts});
    // The domains that return the most first; ties by volume, then by name.
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        if (a.returns.total() != b.returns.total())
            return a.returns.total() > b.returns.total();
        if (a.sent.sent() != b.sent.sent())
            return a.sent.sent() > b.sent.sent();
        return a.domain < b.domain;
    });

    std::vector<Column> columns{{"domain"}, {"sent", true}, {"accepted", true}, {"rejected", true}};
    for (const Column& c : classColumns())
        columns.push_back(c);
    columns.push_back({"bounce_rate", true});
    const bool top = maxRows && rows.size() > maxRows;
    ReportTable& t = report.addTable(maxRows ? "top_domains" : "domains",
                                     maxRows ? "Receiving domains with the most returns" : "Receiving domains", columns);
    for (std::size_t i = 0; i < rows.size() && (!maxRows || i < maxRows); ++i) {
        const Row& r = rows[i];
        std::vector<Cell> row{Cell(keyLabel(r.domain)), Cell(r.sent.sent()), Cell(r.sent.accepted),
                              Cell(r.sent.rejected)};
        for (Cell& cell : classCells(r.returns))
            row.push_back(std::move(cell));
        row.push_back(bounceRate(r.returns.bounces(), r.sent.sent()));
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
