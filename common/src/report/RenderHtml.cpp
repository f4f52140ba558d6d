#include "verpmail/report/Render.h"

#include "verpmail/util/Html.h"

#include "verpmail/report/SvgChart.h"

namespace verpmail {
namespace {

const char* const kStyle =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:960px}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em}"
    "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}td.n{text-align:right}"
    "th{background:#f0f0f0}figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.4em}"
    "svg.chart{max-width:100%;height:auto}svg text{font-size:11px;fill:#333}svg .grid{stroke:#e4e4e4}svg .empty{fill:#999}";

std::vector<std::string> labelsOf(const ReportTable& t, const ChartSpec& spec)
{
    std::vector<std::size_t> columns;
    for (const std::string& id : spec.labelColumns)
        columns.push_back(t.column(id));
    std::vector<std::string> labels;
    for (const auto& row : t.rows) {
        std::string label;
        for (std::size_t c : columns) {
            const std::string part = row.at(c).str();
            label += (label.empty() ? "" : " / ") + (part.empty() ? std::string("(none)") : part);
        }
        labels.push_back(label);
    }
    return labels;
}

ChartSeries seriesOf(const ReportTable& t, const std::string& columnId, std::size_t index, std::size_t rows)
{
    ChartSeries s{columnId, seriesColor(columnId, index), {}};
    const std::size_t c = t.column(columnId);
    for (std::size_t i = 0; i < rows; ++i)
        s.values.push_back(t.rows[i].at(c).number());
    return s;
}

std::string chart(const Report& report, const ChartSpec& spec)
{
    const ReportTable* t = report.table(spec.table);
    if (!t)
        return "";
    std::vector<std::string> labels = labelsOf(*t, spec);
    std::size_t rows = labels.size();
    if (spec.maxItems && rows > spec.maxItems)
        rows = spec.maxItems;
    labels.resize(rows);
    std::vector<ChartSeries> series;
    for (std::size_t i = 0; i < spec.valueColumns.size(); ++i)
        series.push_back(seriesOf(*t, spec.valueColumns[i], i, rows));
    std::string svg;
    switch (spec.kind) {
    case ChartKind::StackedBars: svg = stackedBarChart(spec.id, labels, series); break;
    case ChartKind::HorizontalBars: svg = horizontalBarChart(spec.id, labels, series.at(0), spec.unit); break;
    case ChartKind::Line: svg = lineChart(spec.id, labels, series, spec.unit); break;
    }
    return "<figure>\n<figcaption>" + htmlEscaped(spec.title) + "</figcaption>\n" + svg + "</figure>\n";
}

std::string table(const ReportTable& t)
{
    std::string out = "<section id=\"table-" + htmlEscaped(t.id) + "\">\n<h2>" + htmlEscaped(t.title) +
                      "</h2>\n<table>\n<thead><tr>";
    for (const Column& c : t.columns)
        out += "<th>" + htmlEscaped(c.id) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i) {
            const bool numeric = row[i].isCount() || row[i].isRatio();
            out += numeric ? "<td class=\"n\">" : "<td>";
            out += htmlEscaped(row[i].isNull() ? "-" : row[i].str()) + "</td>";
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    if (!t.footer.empty())
        out += "<p>" + htmlEscaped(t.footer) + "</p>\n";
    return out + "</section>\n";
}

} // namespace


std::string renderHtml(const Report& report)
{
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>verpmail: " +
        htmlEscaped(report.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" +
        htmlEscaped(report.title) + "</h1>\n";
    if (report.windowed)
        out += "<p class=\"window\">" + htmlEscaped(report.window.since) + " to " + htmlEscaped(report.window.until) +
               " UTC (--since " + htmlEscaped(report.window.text) + ")</p>\n";
    else
        out += "<p class=\"window\">as of " + htmlEscaped(report.window.until) + " UTC</p>\n";
    if (!report.charts.empty()) {
        out += "<section id=\"charts\">\n";
        for (const ChartSpec& spec : report.charts)
            out += chart(report, spec);
        out += "</section>\n";
    }
    for (const ReportTable& t : report.tables)
        out += table(t);
    return out + "</body>\n</html>\n";
}

} // namespace verpmail
