#include "ReportCommand.h"

#include "AdminApp.h"

#include "verpmail/report/Reports.h"

namespace verpmail {

ExitStatus runReport(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                     const std::optional<std::string>& campaign, const ReportWindow& window, ReportFormat format,
                     std::ostream& out)
{
    Report report;
    try {
        report = reportByName(db, policy, name, campaign, window);
    } catch (const UnknownCampaign& e) {
        throw AdminError(ExitStatus::DataErr, e.what());
    }
    out << render(report, format);
    out.flush();
    return ExitStatus::Ok;
}

} // namespace verpmail
