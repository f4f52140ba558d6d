#include "verpmail/report/ReportModel.h"

#include <cstdio>
#include <stdexcept>

namespace verpmail {

double Cell::number() const
{
    if (isCount())
        return static_cast<double>(std::get<std::int64_t>(_value));
    if (isRatio())
        return std::get<double>(_value);
    return 0.0;
}

std::string Cell::str() const
{
    if (isText())
        return std::get<std::string>(_value);
    if (isCount())
        return std::to_string(std::get<std::int64_t>(_value));
    if (isRatio()) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.2f", std::get<double>(_value));
        return buffer;
    }
    return "";
}

std::size_t ReportTable::column(const std::string& columnId) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].id == columnId)
            return i;
    throw std::out_of_range("report table " + id + " has no column " + columnId);
}

ReportTable& Report::addTable(std::string tableId, std::string tableTitle, std::vector<Column> tableColumns)
{
    ReportTable t;
    t.id = std::move(tableId);
    t.title = std::move(tableTitle);
    t.columns = std::move(tableColumns);
    tables.push_back(std::move(t));
    return tables.back();
}

const ReportTable* Report::table(const std::string& tableId) const
{
    for (const ReportTable& t : tables)
        if (t.id == tableId)
            return &t;
    return nullptr;
}

} // namespace verpmail
