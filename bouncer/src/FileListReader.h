// FileListReader: the bytes of many files named on a command line, read one after
// the other (verpmail-bouncer --parse).
//
//   FileListReader reader(limits.maxBytes);
//   for (const std::string& path : files)
//       if (const std::optional<std::string_view> data = reader.read(path))
//           parse(*data);   // valid until the next read()
//
// Performance: over a corpus of small returns the kernel's share of a file (path
// walk, open, read, close) rivals the parse itself. So the directory of the last
// path is kept open and a file beside it is opened relative to it (one path walk
// per directory, not per file, as find(1) does), and a file is read with one
// pread(2) into a buffer kept from file to file: open, pread and close are all
// the system calls a file costs (a pipe, which pread refuses, is read in a loop).
#pragma once

#include "FileOps.h"

#include <cstddef>
#include <memory>
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
    /// tells why). A read error ends the data as an istream would: a directory
    /// reads as empty. The view lives until the next call.
    std::optional<std::string_view> read(const std::string& path);

private:
    /// The file opened read-only, relative to its directory when that is the last one.
    UniqueFd open(const std::string& path);

    std::size_t _maxBytes;
    /// maxBytes, left uninitialised: the kernel backs only the pages a file fills.
    std::unique_ptr<char[]> _buffer;
    std::string _directory;  ///< of the last path opened through _directoryFd
    UniqueFd _directoryFd;
};

} // namespace verpmail
