// FileOps: the few POSIX file operations the mailbox readers need, with errors
// turned into exceptions carrying the path and errno text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace verpmail {

/// An owned file descriptor.
class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : _fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : _fd(std::exchange(other._fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) {
            reset();
            _fd = std::exchange(other._fd, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return _fd; }
    explicit operator bool() const { return _fd >= 0; }
    void reset() noexcept;

private:
    int _fd = -1;
};

/// A failed read or write; what() names the file and the error.
class FileError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// "PATH: strerror(errno)" for the current errno.
std::string errnoText(const std::string& path);

void writeAll(int fd, const char* data, std::size_t size, const std::string& path);
/// Copies bytes [begin, end) of `from` to `to`, at `to`'s current position.
void copyRange(int from, std::uint64_t begin, std::uint64_t end, int to, const std::string& fromPath,
               const std::string& toPath);
void syncFile(int fd, const std::string& path);

} // namespace verpmail
