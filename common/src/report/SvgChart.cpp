#include "verpmail/report/SvgChart.h"

#include "verpmail/util/Html.h"

#include "verpmail/report/Render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace verpmail {
namespace {

constexpr double kWidth = 900, kLeft = 60, kRight = 20, kTop = 36, kBottom = 46, kPlotHeight = 220;

std::string num(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
}

std::string value(double v, const std::string& unit)
{
    char buffer[32];
    if (unit == "%")
        std::snprintf(buffer, sizeof buffer, "%.2f%%", v);
    else
        std::snprintf(buffer, sizeof buffer, "%.0f", v);
    return buffer;
}

std::string open(const std::string& id, const char* kind, double height, const std::string& label)
{
    return "<svg id=\"" + htmlEscaped(id) + "\" class=\"chart chart-" + kind + "\" width=\"" + num(kWidth) +
           "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) +
           "\" role=\"img\" aria-label=\"" + htmlEscaped(label) + "\">\n";
}

std::string text(double x, double y, const std::string& s, const char* anchor = "start", const char* cls = "")
{
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" +
           (*cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + htmlEscaped(s) + "</text>\n";
}

std::string noData(const std::string& id, const char* kind)
{
    return open(id, kind, 60, "no data") + text(kWidth / 2, 35, "no data", "middle", "empty") + "</svg>\n";
}

std::string legend(const std::vector<ChartSeries>& series)
{
    std::string out;
    double x = kLeft;
    for (const ChartSeries& s : series) {
        out += "<rect class=\"legend\" x=\"" + num(x) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" + s.color +
               "\"/>\n" + text(x + 16, 18, s.name);
        x += 30 + 8 * static_cast<double>(s.name.size());
    }
    return out;
}

// A rounded-up axis maximum: 1, 2, 5 times a power of ten.
double niceMax(double v)
{
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (v <= m * p)
            return m * p;
    return 10 * p;
}

std::string axes(double maxValue, const std::string& unit, const std::vector<std::string>& labels)
{
    const double bottom = kTop + kPlotHeight;
    std::string out = "<g class=\"axis\">\n";
    for (int i = 0; i <= 4; ++i) {
        const double y = bottom - kPlotHeight * i / 4;
        out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(y) + "\" x2=\"" + num(kWidth - kRight) + "\" y2=\"" +
               num(y) + "\" class=\"grid\"/>\n";
        out += text(kLeft - 6, y + 4, value(maxValue * i / 4, unit), "end");
    }
    const std::size_t n = labels.size();
    const std::size_t step = std::max<std::size_t>(1, (n + 7) / 8);
    const double slot = (kWidth - kLeft - kRight) / static_cast<double>(n);
    for (std::size_t i = 0; i < n; i += step)
        out += text(kLeft + slot * (static_cast<double>(i) + 0.5), bottom + 18, labels[i], "middle");
    return out + "</g>\n";
}

} // namespace

std::string seriesColor(const std::string& name, std::size_t index)
{
    static const std::vector<std::pair<std::string, std::string>> known = {
        {"hard", "#c0392b"},      {"soft", "#e67e22"},     {"block", "#8e44ad"},      {"complaint", "#2c3e50"},
        {"autoreply", "#16a085"}, {"none", "#95a5a6"},     {"unattributed", "#7f8c8d"}, {"returns", "#2980b9"},
        {"bounce_rate", "#c0392b"}, {"accepted", "#27ae60"}, {"rejected", "#d35400"}};
    for (const auto& [n, c] : known)
        if (n == name)
            return c;
    static const char* const palette[] = {"#2980b9", "#27ae60", "#f39c12", "#8e44ad", "#c0392b", "#16a085"};
    return palette[index % (sizeof palette / sizeof palette[0])];
}

std::string stackedBarChart(const std::string& id, const std::vector<std::string>& labels,
                            const std::vector<ChartSeries>& series)
{
    const std::size_t n = labels.size();
    double maxStack = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (const ChartSeries& s : series)
            sum += s.values.at(i);
        maxStack = std::max(maxStack, sum);
    }
    if (n == 0)
        return noData(id, "stacked");
    const double top = niceMax(maxStack);
    const double slot = (kWidth - kLeft - kRight) / static_cast<double>(n);
    const double barWidth = std::max(1.0, slot * 0.8);
    std::string out = open(id, "stacked", kTop + kPlotHeight + kBottom, "stacked bars") + legend(series) +
                      axes(top, "", labels);
    for (std::size_t i = 0; i < n; ++i) {
        double y = kTop + kPlotHeight;
        for (const ChartSeries& s : series) {
            const double v = s.values[i];
            if (v <= 0)
                continue;
            const double h = kPlotHeight * v / top;
            y -= h;
            out += "<rect class=\"bar\" x=\"" + num(kLeft + slot * static_cast<double>(i) + (slot - barWidth) / 2) +
                   "\" y=\"" + num(y) + "\" width=\"" + num(barWidth) + "\" height=\"" + num(h) + "\" fill=\"" +
                   s.color + "\"><title>" + htmlEscaped(labels[i] + " " + s.name + ": " + value(v, "")) +
                   "</title></rect>\n";
        }
    }
    return out + "</svg>\n";
}

std::string horizontalBarChart(const std::string& id, const std::vector<std::string>& labels,
                               const ChartSeries& values, const std::string& unit)
{
    const std::size_t n = labels.size();
    if (n == 0)
        return noData(id, "hbars");
    constexpr double row = 22, labelWidth = 240, valueWidth = 80;
    double maxValue = 0;
    for (double v : values.values)
        maxValue = std::max(maxValue, v);
    const double top = niceMax(maxValue);
    const double barArea = kWidth - labelWidth - valueWidth - kRight;
    std::string out = open(id, "hbars", 16 + row * static_cast<double>(n), values.name);
    for (std::size_t i = 0; i < n; ++i) {
        const double y = 8 + row * static_cast<double>(i);
        const double v = values.values.at(i);
        // Long labels keep both ends (a campaign id differs at its end, a domain at its start).
        std::string label = labels[i];
        if (label.size() > 34)
            label = label.substr(0, 16) + "\xE2\x80\xA6" + label.substr(label.size() - 16);
        out += text(labelWidth - 8, y + 14, label, "end");
        out += "<rect class=\"bar\" x=\"" + num(labelWidth) + "\" y=\"" + num(y + 3) + "\" width=\"" +
               num(std::max(0.0, barArea * v / top)) + "\" height=\"" + num(row - 6) + "\" fill=\"" + values.color +
               "\"><title>" + htmlEscaped(labels[i] + ": " + value(v, unit)) + "</title></rect>\n";
        out += text(labelWidth + barArea * v / top + 6, y + 14, value(v, unit));
    }
    return out + "</svg>\n";
}

std::string lineChart(const std::string& id, const std::vector<std::string>& labels, const std::vector<ChartSeries>& series,
                      const std::string& unit)
{
    const std::size_t n = labels.size();
    if (n == 0)
        return noData(id, "line");
    double maxValue = 0;
    for (const ChartSeries& s : series)
        for (double v : s.values)
            maxValue = std::max(maxValue, v);
    const double top = niceMax(maxValue);
    const double slot = (kWidth - kLeft - kRight) / static_cast<double>(n);
    std::string out = open(id, "line", kTop + kPlotHeight + kBottom, "line chart") + legend(series) +
                      axes(top, unit, labels);
    for (const ChartSeries& s : series) {
        std::string points;
        std::string dots;
        for (std::size_t i = 0; i < n; ++i) {
            const double x = kLeft + slot * (static_cast<double>(i) + 0.5);
            const double y = kTop + kPlotHeight - kPlotHeight * s.values.at(i) / top;
            points += (i ? " " : "") + num(x) + "," + num(y);
            if (n <= 120)
                dots += "<circle class=\"point\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"2.5\" fill=\"" +
                        s.color + "\"><title>" + htmlEscaped(labels[i] + " " + s.name + ": " + value(s.values[i], unit)) +
                        "</title></circle>\n";
        }
        out += "<polyline class=\"series\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2\" points=\"" +
               points + "\"><title>" + htmlEscaped(s.name) + "</title></polyline>\n" + dots;
    }
    return out + "</svg>\n";
}

} // namespace verpmail
