// TextTable: aligned plain-text columns for terminal reports.
#pragma once

#include <string>
#include <vector>

namespace verpmail {

class TextTable
{
public:
    explicit TextTable(std::vector<std::string> header) : _rows{std::move(header)} {}
    void add(std::vector<std::string> row) { _rows.push_back(std::move(row)); }
    std::size_t rows() const { return _rows.size() - 1; }
    /// Every cell is made printable and cut to 60 characters.
    std::string render() const;

private:
    std::vector<std::vector<std::string>> _rows;
};

} // namespace verpmail
