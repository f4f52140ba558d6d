#include "verpmail/report/Render.h"

namespace verpmail {

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csvLine(const std::vector<std::string>& fields)
{
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            line += ',';
        line += csvField(fields[i]);
    }
    return line + "\r\n";
}

std::string renderCsv(const Report& report)
{
    if (report.tables.empty())
        return "";
    const ReportTable& t = report.tables.front();
    std::vector<std::string> fields;
    for (const Column& c : t.columns)
        fields.push_back(c.id);
    std::string out = csvLine(fields);
    for (const auto& row : t.rows) {
        fields.clear();
        for (const Cell& cell : row)
            fields.push_back(cell.str());
        out += csvLine(fields);
    }
    return out;
}

} // namespace verpmail
