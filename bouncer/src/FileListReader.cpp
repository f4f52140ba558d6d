#include "FileListReader.h"

#include <algorithm>
#include <array>
#include <fstream>

namespace verpmail {

std::optional<std::string_view> FileListReader::read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    _data.clear();
    std::array<char, 64 * 1024> chunk;
    while (_data.size() < _maxBytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), _maxBytes - _data.size())));
        _data.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (!in)
            break;
    }
    return std::string_view(_data);
}

} // namespace verpmail
