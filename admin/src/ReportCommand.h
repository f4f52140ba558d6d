// ReportCommand: `verpmail-admin report NAME [ID] [--since 30d] [--format F]`:
// builds the named report (reports/Reports.h) and prints it (reports/Render.h).
#pragma once

#include "verpmail/report/ReportModel.h"
#include "verpmail/report/Render.h"

#include "verpmail/policy/Policy.h"
#include "verpmail/util/ExitStatus.h"

#include <optional>
#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// summary, suppressed, domains, reasons, campaign, trend, incidents.
bool isReportName(const std::string& name);

ExitStatus runReport(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                     const std::optional<std::string>& campaign, const ReportWindow& window, ReportFormat format,
                     std::ostream& out);

} // namespace verpmail
