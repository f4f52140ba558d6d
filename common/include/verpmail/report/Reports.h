// Reports: `verpmail-admin report NAME`. Each report builds a Report (ReportModel.h)
// from the counts in ReportQueries.h; Render.h prints it in any format.
//
//   summary      totals, returns per day by class, top domains by returns with their
//                bounce rate, suppressions by reason, campaigns, reasons; the HTML
//                form is the dashboard (four charts)
//   suppressed   every address the policy suppresses now (SuppressionReport.h)
//   domains      every receiving domain with sends or returns in the window
//   reasons      returns by class and reason
//   campaign ID  one campaign: its send_log states, returns, domains and reasons;
//                without ID, every campaign active in the window
//   trend        per day: sent, returns by class, bounce rate
//   incidents    domain incidents open now or seen in the window (IncidentStore.h)
#pragma once

#include "verpmail/report/ReportModel.h"
#include "verpmail/report/ReportQueries.h"

#include "verpmail/policy/Policy.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace verpmail {

class MysqlConnection;

Report summaryReport(MysqlConnection& db, const ReportWindow& window);
Report suppressedReport(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& window);
Report domainsReport(MysqlConnection& db, const ReportWindow& window);
Report reasonsReport(MysqlConnection& db, const ReportWindow& window);
/// Bad input, not a failure: the campaign ID names no campaign.
class UnknownCampaign : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// @throws UnknownCampaign
Report campaignReport(MysqlConnection& db, const ReportWindow& window, const std::string& campaign);
Report campaignsReport(MysqlConnection& db, const ReportWindow& window);
Report trendReport(MysqlConnection& db, const ReportWindow& window);
Report incidentsReport(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& window);

/// summary, suppressed, domains, reasons, campaign, trend, incidents: the names
/// `verpmail-admin report` and verpmail-web's /api/v1/reports take.
bool isReportName(const std::string& name);

/// The report of one of those names, so that every caller builds the same one:
/// campaign with an ID is campaignReport, without one campaignsReport.
/// @throws UnknownCampaign; std::invalid_argument for a name isReportName refuses
Report reportByName(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                    const std::optional<std::string>& campaign, const ReportWindow& window);

// The tables the summary shares with the single reports. maxRows 0: all rows.
void addDailyTable(Report& report, MysqlConnection& db, const ReportScope& scope);
void addDomainTable(Report& report, MysqlConnection& db, const ReportScope& scope, std::size_t maxRows);
void addReasonTable(Report& report, MysqlConnection& db, const ReportScope& scope, std::size_t maxRows);
void addCampaignTable(Report& report, MysqlConnection& db, const ReportScope& scope);
void addSuppressionTable(Report& report, MysqlConnection& db);

/// "(unknown)" for an empty key (unattributed returns have no domain or campaign).
std::string keyLabel(const std::string& key);

} // namespace verpmail
