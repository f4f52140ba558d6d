#include "verpmail/report/Render.h"

namespace verpmail {

std::optional<ReportFormat> parseReportFormat(const std::string& text)
{
    if (text == "table")
        return ReportFormat::Table;
    if (text == "csv")
        return ReportFormat::Csv;
    if (text == "json")
        return ReportFormat::Json;
    if (text == "html")
        return ReportFormat::Html;
    return std::nullopt;
}

std::string render(const Report& report, ReportFormat format)
{
    switch (format) {
    case ReportFormat::Table: return renderTable(report);
    case ReportFormat::Csv: return renderCsv(report);
    case ReportFormat::Json: return renderJson(report);
    case ReportFormat::Html: return renderHtml(report);
    }
    return "";
}

} // namespace verpmail
