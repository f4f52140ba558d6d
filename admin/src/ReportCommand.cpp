#include "ReportCommand.h"

#include "AdminApp.h"

#include "verpmail/report/Reports.h"

namespace verpmail {

bool isReportName(const std::string& name)
{
    for (const char* known : {"summary", "suppressed", "domains", "reasons", "campaign", "trend", "incidents"})
        if (name == known)
            return true;
    return false;
}

ExitStatus runReport(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                     const std::optional<std::string>& campaign, const ReportWindow& window, ReportFormat format,
                     std::ostream& out)
{
    Report report;
    if (name == "summary")
        report = summaryReport(db, window);
    else if (name == "suppressed")
        report = suppressedReport(db, policy, window);
    else if (name == "domains")
        report = domainsReport(db, window);
    else if (name == "reasons")
        report = reasonsReport(db, window);
    else if (name == "campaign")
        try {
            report = campaign ? campaignReport(db, window, *campaign) : campaignsReport(db, window);
        } catch (const UnknownCampaign& e) {
            throw AdminError(ExitStatus::DataErr, e.what());
        }
    else if (name == "incidents")
        report = incidentsReport(db, policy, window);
    else
        report = trendReport(db, window);
    out << render(report, format);
    out.flush();
    return ExitStatus::Ok;
}

} // namespace verpmail
