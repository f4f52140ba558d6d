#include "verpmail/report/Reports.h"

namespace verpmail {
namespace {

// Totals over the per-day rows: the same numbers the day rows add up to.
void addTotals(Report& report)
{
    const ReportTable& days = *report.table("per_day");
    std::vector<std::int64_t> sums(days.columns.size(), 0);
    for (const auto& row : days.rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            sums[c] += row[c].count();
    ReportTable& t = report.addTable("totals", "Totals", {{"metric"}, {"value"}});
    t.keyValue = true;
    t.rows.push_back({Cell("since"), Cell(report.window.since)});
    t.rows.push_back({Cell("until"), Cell(report.window.until)});
    for (std::size_t c = 1; c < days.columns.size(); ++c)
        if (days.columns[c].id != "bounce_rate")
            t.rows.push_back({Cell(days.columns[c].id), Cell(sums[c])});
    const std::int64_t bounces =
        sums[days.column("hard")] + sums[days.column("soft")] + sums[days.column("block")];
    t.rows.push_back({Cell("bounce_rate"), bounceRate(bounces, sums[days.column("sent")])});
    std::int64_t suppressed = 0;
    for (const auto& row : report.table("suppressions")->rows)
        suppressed += row.at(1).count();
    t.rows.push_back({Cell("suppressed_addresses"), Cell(suppressed)});
}

} // namespace

Report summaryReport(MysqlConnection& db, const ReportWindow& window)
{
    Report report{"summary", "verpmail summary", window, true, {}, {}};
    const ReportScope scope{&window, std::nullopt};
    addDailyTable(report, db, scope);
    addDomainTable(report, db, scope, 20);
    addSuppressionTable(report, db);
    addCampaignTable(report, db, scope);
    addReasonTable(report, db, scope, 20);
    addTotals(report);
    // The totals come first: the text report starts with them and CSV prints only them.
    report.tables.push_front(std::move(report.tables.back()));
    report.tables.pop_back();

    std::vector<std::string> classes(kReturnClasses.begin(), kReturnClasses.end());
    report.charts = {
        {"chart-returns-per-day", "Returns per day by class", ChartKind::StackedBars, "per_day", {"day"}, classes, "", 0},
        {"chart-domain-bounce-rate", "Bounce rate by receiving domain (the 20 with the most returns)",
         ChartKind::HorizontalBars, "top_domains", {"domain"}, {"bounce_rate"}, "%", 20},
        {"chart-suppressions-by-reason", "Suppressed addresses by reason", ChartKind::HorizontalBars, "suppressions",
         {"reason"}, {"addresses"}, "", 20},
        {"chart-campaign-bounce-rate", "Bounce rate per campaign (newest 20)", ChartKind::HorizontalBars, "campaigns",
         {"campaign"}, {"bounce_rate"}, "%", 20},
    };
    return report;
}

} // namespace verpmail
