#include "FileOps.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace verpmail {

void UniqueFd::reset() noexcept
{
    if (_fd >= 0)
        ::close(_fd);
    _fd = -1;
}

std::string errnoText(const std::string& path)
{
    return path + ": " + std::strerror(errno);
}

void writeAll(int fd, const char* data, std::size_t size, const std::string& path)
{
    while (size > 0) {
        const ssize_t put = ::write(fd, data, size);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            throw FileError("write " + errnoText(path));
        data += put;
        size -= static_cast<std::size_t>(put);
    }
}

void copyRange(int from, std::uint64_t begin, std::uint64_t end, int to, const std::string& fromPath,
               const std::string& toPath)
{
    std::array<char, 65536> buffer{};
    while (begin < end) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - begin));
        const ssize_t got = ::pread(from, buffer.data(), want, static_cast<off_t>(begin));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw FileError("read " + errnoText(fromPath));
        if (got == 0)
            throw FileError("read " + fromPath + ": file shrank while it was locked");
        writeAll(to, buffer.data(), static_cast<std::size_t>(got), toPath);
        begin += static_cast<std::uint64_t>(got);
    }
}

void syncFile(int fd, const std::string& path)
{
    if (::fsync(fd) != 0)
        throw FileError("fsync " + errnoText(path));
}

} // namespace verpmail
