// ReportWindow: the --since and --older-than values.
//
//   parseWindow("30d", now)         the last 30 days (to the second)
//   parseWindow("12h", now)         the last 12 hours
//   parseWindow("2026-01-31", now)  from that day's midnight UTC
//
// Anything else is nullopt (a usage error for the caller).
#pragma once

#include "verpmail/report/ReportModel.h"

#include <ctime>
#include <optional>
#include <string>

namespace verpmail {

std::optional<ReportWindow> parseWindow(const std::string& text, std::time_t now);

/// "YYYY-MM-DD hh:mm:ss" in UTC.
std::string utcDateTime(std::time_t t);

} // namespace verpmail
