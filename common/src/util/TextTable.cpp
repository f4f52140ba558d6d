#include "verpmail/util/TextTable.h"

#include "verpmail/util/Printable.h"

#include <algorithm>

namespace verpmail {

std::string TextTable::render() const
{
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const auto& row : _rows) {
        std::vector<std::string> clean;
        for (std::size_t c = 0; c < row.size(); ++c) {
            clean.push_back(printable(row[c], 60));
            if (widths.size() <= c)
                widths.push_back(0);
            widths[c] = std::max(widths[c], clean.back().size());
        }
        cells.push_back(std::move(clean));
    }
    std::string out;
    for (const auto& row : cells) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size())
                line += std::string(widths[c] - row[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

} // namespace verpmail
