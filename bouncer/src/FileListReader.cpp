// FileListReader: see the header.
#include "FileListReader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace verpmail {

UniqueFd FileListReader::open(const std::string& path)
{
    // memrchr, not std::string::rfind: the library's search, not a byte loop, over
    // a path read once per file.
    const void* const found = ::memrchr(path.data(), '/', path.size());
    const std::size_t slash =
        found == nullptr ? std::string::npos : static_cast<std::size_t>(static_cast<const char*>(found) - path.data());
    // A bare name is one path component already; "dir/" is not a file.
    if (slash == std::string::npos || slash + 1 == path.size())
        return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    const std::string_view directory = std::string_view(path).substr(0, slash == 0 ? 1 : slash);
    if (!_directoryFd || directory != _directory) {
        _directoryFd = UniqueFd(::open(std::string(directory).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        _directory = _directoryFd ? std::string(directory) : std::string();
        // An unusable directory: the whole path gets the usual lookup and error.
        if (!_directoryFd)
            return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    }
    return UniqueFd(::openat(_directoryFd.get(), path.c_str() + slash + 1, O_RDONLY | O_CLOEXEC));
}

std::optional<std::string_view> FileListReader::read(const std::string& path)
{
    const UniqueFd fd = open(path);
    if (!fd)
        return std::nullopt;
    if (!_buffer)
        _buffer.reset(new char[std::max<std::size_t>(_maxBytes, 1)]);
    char* const data = _buffer.get();
    ssize_t got;
    do
        got = ::pread(fd.get(), data, _maxBytes, 0);
    while (got < 0 && errno == EINTR);
    if (got >= 0)
        // A regular file reads short only at its end, so one call has it all.
        return std::string_view(data, static_cast<std::size_t>(got));
    if (errno != ESPIPE)
        return std::string_view();  // a directory (EISDIR) or a read error: as an istream, empty
    // A pipe or a terminal: short reads until its end.
    std::size_t have = 0;
    while (have < _maxBytes) {
        got = ::read(fd.get(), data + have, _maxBytes - have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        have += static_cast<std::size_t>(got);
    }
    return std::string_view(data, have);
}

} // namespace verpmail
