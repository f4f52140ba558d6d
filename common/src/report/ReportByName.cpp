#include "verpmail/report/Reports.h"

namespace verpmail {

bool isReportName(const std::string& name)
{
    for (const char* known : {"summary", "suppressed", "domains", "reasons", "campaign", "trend", "incidents"})
        if (name == known)
            return true;
    return false;
}

Report reportByName(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                    const std::optional<std::string>& campaign, const ReportWindow& window)
{
    if (name == "summary")
        return summaryReport(db, window);
    if (name == "suppressed")
        return suppressedReport(db, policy, window);
    if (name == "domains")
        return domainsReport(db, window);
    if (name == "reasons")
        return reasonsReport(db, window);
    if (name == "campaign")
        return campaign ? campaignReport(db, window, *campaign) : campaignsReport(db, window);
    if (name == "trend")
        return trendReport(db, window);
    if (name == "incidents")
        return incidentsReport(db, policy, window);
    throw std::invalid_argument("unknown report \"" + name + "\"");
}

} // namespace verpmail
