// SvgChart: the report charts as inline SVG, drawn here, no library and no script.
//
//   stackedBarChart("chart-returns-per-day", days, {{"hard", "#c0392b", counts}, ...})
//
// Each returns one <svg id=ID class="chart chart-KIND"> element sized for a page
// 900 pixels wide; every bar or point carries a <title> with its exact value.
// Labels are escaped. An empty chart says "no data".
#pragma once

#include <string>
#include <vector>

namespace verpmail {

struct ChartSeries
{
    std::string name;
    std::string color;  ///< CSS colour, from the code, never from data
    std::vector<double> values;  ///< one per label
};

std::string stackedBarChart(const std::string& id, const std::vector<std::string>& labels,
                            const std::vector<ChartSeries>& series);
std::string horizontalBarChart(const std::string& id, const std::vector<std::string>& labels,
                               const ChartSeries& values, const std::string& unit);
std::string lineChart(const std::string& id, const std::vector<std::string>& labels, const std::vector<ChartSeries>& series,
                      const std::string& unit);

/// A fixed colour for a return class or series name ("hard", "soft", ...).
std::string seriesColor(const std::string& name, std::size_t index);

} // namespace verpmail
