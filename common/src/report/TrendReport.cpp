#include "verpmail/report/Reports.h"

#include <ctime>

namespace verpmail {
namespace {

constexpr std::size_t kMaxFilledDays = 3700;

// Every day from..to (YYYY-MM-DD, inclusive), so quiet days show as zero.
std::vector<std::string> everyDay(const std::string& from, const std::string& to)
{
    std::tm tm{};
    tm.tm_year = std::stoi(from.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(from.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(from.substr(8, 2));
    tm.tm_hour = 12;
    std::time_t t = timegm(&tm);
    std::vector<std::string> days;
    char buffer[16];
    for (std::size_t i = 0; i < kMaxFilledDays; ++i, t += 86400) {
        std::tm day{};
        gmtime_r(&t, &day);
        std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &day);
        if (buffer > to)
            break;
        days.emplace_back(buffer);
    }
    return days;
}

} // namespace

void addDailyTable(Report& report, MysqlConnection& db, const ReportScope& scope)
{
    std::map<std::string, Tally> days = talliesBy(db, scope, GroupKey::Day);
    if (scope.window)
        for (const std::string& d : everyDay(scope.window->sinceDay, scope.window->until.substr(0, 10)))
            days[d];  // quiet days show as zero

    std::vector<Column> columns{{"day"}, {"accepted", true}, {"rejected", true}, {"sent", true}};
    for (const Column& c : classColumns())
        columns.push_back(c);
    columns.push_back({"bounce_rate", true});
    ReportTable& t = report.addTable("per_day", "Per day (UTC)", columns);
    for (const auto& [day, tally] : days) {
        const ClassCounts& c = tally.returns;
        const SentCounts& n = tally.sent;
        std::vector<Cell> row{Cell(day), Cell(n.accepted), Cell(n.rejected), Cell(n.sent())};
        for (Cell& cell : classCells(c))
            row.push_back(std::move(cell));
        row.push_back(bounceRate(c.bounces(), n.sent()));
        t.rows.push_back(std::move(row));
    }
}

Report trendReport(MysqlConnection& db, const ReportWindow& window)
{
    Report report{"trend", "Trend: sends and returns per day", window, true, {}, {}};
    addDailyTable(report, db, ReportScope{&window, std::nullopt});
    std::vector<std::string> classes(kReturnClasses.begin(), kReturnClasses.end());
    report.charts.push_back({"chart-trend-returns", "Returns per day by class", ChartKind::StackedBars, "per_day",
                             {"day"}, classes, "", 0});
    report.charts.push_back({"chart-trend-volume", "Sent and returned per day", ChartKind::Line, "per_day", {"day"},
                             {"sent", "returns"}, "", 0});
    report.charts.push_back({"chart-trend-bounce-rate", "Bounce rate per day", ChartKind::Line, "per_day", {"day"},
                             {"bounce_rate"}, "%", 0});
    return report;
}

} // namespace verpmail
