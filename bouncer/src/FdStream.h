// FdStream: a read-only std::istream over a file descriptor it does not own.
//
// The mbox reader must read through the descriptor that holds the fcntl lock: POSIX
// drops a process's fcntl locks on a file when *any* descriptor for it is closed,
// so opening a second std::ifstream on the mailbox and closing it would unlock it.
#pragma once

#include <unistd.h>

#include <array>
#include <cerrno>
#include <istream>
#include <streambuf>

namespace verpmail {

class FdInBuf : public std::streambuf
{
public:
    explicit FdInBuf(int fd) : _fd(fd) {}
    bool failed() const { return _failed; }

protected:
    int_type underflow() override
    {
        if (gptr() < egptr())
            return traits_type::to_int_type(*gptr());
        ssize_t got;
        do {
            got = ::read(_fd, _buffer.data(), _buffer.size());
        } while (got < 0 && errno == EINTR);
        if (got <= 0) {
            _failed = got < 0;
            return traits_type::eof();
        }
        setg(_buffer.data(), _buffer.data(), _buffer.data() + got);
        return traits_type::to_int_type(*gptr());
    }

private:
    int _fd;
    bool _failed = false;
    std::array<char, 65536> _buffer{};
};

} // namespace verpmail
