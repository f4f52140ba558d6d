// FileListReader: the bytes of many files named on a command line, read one after
// the other (verpmail-bouncer --parse).
//
//   FileListReader reader(limits.maxBytes);
//   for (const std::string& path : files)
//       if (const std::optional<std::string_view> data = reader.read(path))
//           parse(*data);   // valid until the next read()
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail {

class FileListReader
{
public:
    /// maxBytes: how much of a file is kept; nothing beyond it is read.
    explicit FileListReader(std::size_t maxBytes) : _maxBytes(maxBytes) {}

    /// The first maxBytes of the file, or nullopt when it cannot be opened (errno
    /// tells why). A read error ends the data as an istream ends it: a directory
    /// reads as empty. The view lives until the next call.
    std::optional<std::string_view> read(const std::string& path);

private:
    std::size_t _maxBytes;
    std::string _data;   ///< kept from file to file, so its room is reused
};

} // namespace verpmail
