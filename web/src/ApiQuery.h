// ApiQuery: the query strings of the API's reads, checked.
//
// GET /api/v1/lists/{name}/members:
//   q=TEXT          a part of the address (1-254 bytes, matched literally)
//   status=clean|soft|hard
//   active=0|1
//   limit=N         1..500, default 100
//   after=ADDRESS   the last address of the previous page (the `next` of its answer)
//
// The reports (GET /api/v1/reports/..., /api/v1/campaigns...):
//
//   since=30d|12h|YYYY-MM-DD   the window, as `verpmail-admin report --since`
//                              (parseWindow, ReportWindow.h); default 30d
//   format=json|csv|html       default json (the admin's table format is for people
//                              at a terminal, not offered here)
//
// Names and values are %-decoded ('+' is a space). A parameter given twice, an
// unknown one, a bad escape or a value out of range is an error, with its message
// for the 400 answer. Never throws.
#pragma once

#include "verpmail/report/Render.h"
#include "verpmail/report/ReportModel.h"
#include "verpmail/store/ListingStore.h"

#include <ctime>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail::web {

inline constexpr unsigned kDefaultPageSize = 100;
inline constexpr unsigned kMaxPageSize = 500;

/// The name=value pairs of `query`, decoded, in order; nullopt for a bad escape,
/// a NUL, or a pair without '='.
std::optional<std::vector<std::pair<std::string, std::string>>> queryPairs(std::string_view query);

struct MemberQuery
{
    std::optional<MemberFilter> filter;  ///< nullopt: `error` says why
    std::string error;
};

MemberQuery parseMemberQuery(std::string_view query);

struct LimitQuery
{
    std::optional<unsigned> limit;  ///< nullopt: `error` says why
    std::string error;
};

/// A query of limit=N alone (1..500, default 100), for a member's bounces and decisions.
LimitQuery parseLimitQuery(std::string_view query);

/// The window of a report when no since= is given: the admin's default --since.
inline constexpr const char* kDefaultReportSince = "30d";

struct ReportQuery
{
    std::optional<ReportWindow> window;  ///< nullopt: `error` says why
    ReportFormat format = ReportFormat::Json;
    std::string error;
};

/// since= and format= (above), the window counted back from `now`.
ReportQuery parseReportQuery(std::string_view query, std::time_t now);

} // namespace verpmail::web
