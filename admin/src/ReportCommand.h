// ReportCommand: `verpmail-admin report NAME [ID] [--since 30d] [--format F]`:
// builds the named report (verpmail/report/Reports.h reportByName, shared with
// verpmail-web's /api/v1/reports) and prints it (verpmail/report/Render.h).
#pragma once

#include "verpmail/report/ReportModel.h"
#include "verpmail/report/Render.h"
#include "verpmail/report/Reports.h"

#include "verpmail/policy/Policy.h"
#include "verpmail/util/ExitStatus.h"

#include <optional>
#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// Builds report `name` (reportByName; isReportName says which names there are)
/// and prints it. @throws AdminError (DataErr) for an unknown campaign
ExitStatus runReport(MysqlConnection& db, const PolicySettings& policy, const std::string& name,
                     const std::optional<std::string>& campaign, const ReportWindow& window, ReportFormat format,
                     std::ostream& out);

} // namespace verpmail
