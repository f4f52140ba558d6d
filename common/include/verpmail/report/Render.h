// Render: one renderer per output format, each prints any Report.
//
//   table  aligned text, one block per table (TextTable: cells printable, cut at 60)
//   csv    RFC 4180 (CRLF, quotes doubled) of the report's first table
//   json   a one-table report: an array of row objects; otherwise an object with
//          report, since, until and one key per table (a metric/value table is
//          an object, the others arrays); numbers are numbers, unknown is null
//   html   one self-contained page: inline CSS and SVG charts, no script, no URL
#pragma once

#include "verpmail/report/ReportModel.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

enum class ReportFormat { Table, Csv, Json, Html };

std::optional<ReportFormat> parseReportFormat(const std::string& text);

std::string renderTable(const Report& report);
std::string renderCsv(const Report& report);
std::string renderJson(const Report& report);
std::string renderHtml(const Report& report);
std::string render(const Report& report, ReportFormat format);

/// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF.
std::string csvField(std::string_view text);
/// Fields joined with commas, ended with CRLF.
std::string csvLine(const std::vector<std::string>& fields);


} // namespace verpmail
