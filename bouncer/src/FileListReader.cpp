// FileListReader: see the header.
#include "FileListReader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace verpmail {

UniqueFd FileListReader::open(const std::string& path)
{
    const std::size_t slash = path.rfind('/');
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
    struct stat st {};
    const bool regular = ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
    // One byte past a regular file's size, so the read that sees EOF needs no growth.
    const std::size_t want = regular ? static_cast<std::size_t>(st.st_size) + 1 : 65536;
    std::size_t have = 0;
    for (;;) {
        if (have == _buffer.size()) {
            if (have >= _maxBytes)
                break;
            _buffer.resize(std::min(_maxBytes, std::max(want, 2 * have)));
        }
        // The buffer never grows past maxBytes, so what fits is what may be kept.
        const std::size_t asked = _buffer.size() - have;
        const ssize_t got = ::read(fd.get(), &_buffer[have], asked);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        have += static_cast<std::size_t>(got);
        // A regular file reads short only at its end: no read to see EOF. A pipe
        // reads short any time.
        if (regular && static_cast<std::size_t>(got) < asked)
            break;
    }
    return std::string_view(_buffer.data(), have);
}

} // namespace verpmail
