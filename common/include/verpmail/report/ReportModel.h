// ReportModel: what a report is, independent of how it is printed.
//
// A report is one or more named tables (columns and rows of typed cells) plus the
// charts the HTML renderer draws from them. Each report builds a Report; one
// renderer per format (RenderTable, RenderCsv, RenderJson, RenderHtml) prints any
// Report, so every report supports every format.
//
//   Report r{"domains", "Returns by receiving domain", window};
//   ReportTable& t = r.addTable("domains", "By receiving domain", {{"domain"}, {"sent", true}});
//   t.rows.push_back({Cell("example.org"), Cell(std::int64_t{12})});
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <variant>
#include <vector>

namespace verpmail {

/// One value: text, a count, a ratio (printed with two decimals) or nothing.
class Cell
{
public:
    Cell() = default;  // null
    Cell(std::string text) : _value(std::move(text)) {}
    Cell(const char* text) : _value(std::string(text)) {}
    Cell(std::int64_t count) : _value(count) {}
    Cell(double ratio) : _value(ratio) {}

    bool isNull() const { return std::holds_alternative<std::monostate>(_value); }
    bool isText() const { return std::holds_alternative<std::string>(_value); }
    bool isCount() const { return std::holds_alternative<std::int64_t>(_value); }
    bool isRatio() const { return std::holds_alternative<double>(_value); }
    std::int64_t count() const { return isCount() ? std::get<std::int64_t>(_value) : 0; }
    /// Counts and ratios as a number (0 for text and null).
    double number() const;
    /// Text as is, counts in decimal, ratios with two decimals, null as "".
    std::string str() const;

private:
    std::variant<std::monostate, std::string, std::int64_t, double> _value;
};

struct Column
{
    std::string id;        ///< snake_case: the CSV header and the JSON key
    bool numeric = false;  ///< right-aligned in HTML
};

struct ReportTable
{
    std::string id;     ///< JSON key and HTML id
    std::string title;  ///< heading for people
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;
    /// A two-column metric/value table: JSON prints it as one object.
    bool keyValue = false;
    /// A last line under the table in the text format ("3 suppressed addresses").
    std::string footer;

    std::size_t column(const std::string& columnId) const;  ///< index; throws std::out_of_range
};

enum class ChartKind
{
    StackedBars,     ///< one bar per row (x = label column), value columns stacked
    HorizontalBars,  ///< one bar per row, first value column, longest first
    Line,            ///< one polyline per value column over the rows in order
};

struct ChartSpec
{
    std::string id;     ///< the svg element's id
    std::string title;
    ChartKind kind = ChartKind::HorizontalBars;
    std::string table;  ///< the ReportTable it draws
    std::vector<std::string> labelColumns;  ///< joined with " / " for each row's label
    std::vector<std::string> valueColumns;
    std::string unit;           ///< "%" or "" (counts)
    std::size_t maxItems = 0;   ///< horizontal bars: the first N rows only (0: all)
};

struct ReportWindow
{
    std::string since;     ///< "YYYY-MM-DD hh:mm:ss" UTC, start of the window
    std::string sinceDay;  ///< "YYYY-MM-DD": roll-ups count from this day, whole
    std::string until;     ///< "YYYY-MM-DD hh:mm:ss" UTC, when the report was made
    std::string text;      ///< what the operator wrote ("30d")
};

struct Report
{
    std::string name;   ///< "summary", "domains", ...
    std::string title;
    ReportWindow window;
    bool windowed = true;  ///< false when --since does not apply (suppressed, campaign)
    std::deque<ReportTable> tables;  // deque: addTable() references stay valid
    std::vector<ChartSpec> charts;

    ReportTable& addTable(std::string tableId, std::string tableTitle, std::vector<Column> tableColumns);
    const ReportTable* table(const std::string& tableId) const;
};

} // namespace verpmail
