#include "ListenSocket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace verpmail {
namespace {

std::string errorText(const std::string& what, int error)
{
    return what + ": " + std::strerror(error);
}

sockaddr_un addressOf(const std::string& path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        throw SocketError("socket path too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

/// True when a daemon accepts connections on path now.
bool somebodyListens(const sockaddr_un& address)
{
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0)
        return false;
    const bool answered = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    return answered;
}

void makeParent(const std::string& path)
{
    const std::string::size_type slash = path.rfind('/');
    if (slash == 0 || slash == std::string::npos)
        return;
    const std::string parent = path.substr(0, slash);
    if (::mkdir(parent.c_str(), 0750) != 0 && errno != EEXIST)
        throw SocketError(errorText("cannot create directory " + parent, errno));
}

} // namespace

ListenSocket::ListenSocket(std::string path, int backlog) : _path(std::move(path))
{
    const sockaddr_un address = addressOf(_path);
    makeParent(_path);

    struct stat existing {};
    if (::lstat(_path.c_str(), &existing) == 0) {
        if (!S_ISSOCK(existing.st_mode))
            throw SocketError(_path + " exists and is not a socket; refusing to replace it");
        if (somebodyListens(address))
            throw SocketError(_path + " is in use: another verpmail-bouncerd is running");
        // A daemon that was killed leaves its socket behind; nobody answers on it.
        if (::unlink(_path.c_str()) != 0 && errno != ENOENT)
            throw SocketError(errorText("cannot remove the stale socket " + _path, errno));
    }

    _fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (_fd < 0)
        throw SocketError(errorText("socket", errno));
    const mode_t saved = ::umask(0117);
    const int bound = ::bind(_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int bindError = errno;
    ::umask(saved);
    if (bound != 0) {
        ::close(_fd);
        throw SocketError(errorText("cannot bind " + _path, bindError));
    }
    struct stat mine {};
    if (::chmod(_path.c_str(), 0660) != 0 || ::stat(_path.c_str(), &mine) != 0 || ::listen(_fd, backlog) != 0) {
        const int error = errno;
        ::close(_fd);
        ::unlink(_path.c_str());
        throw SocketError(errorText("cannot set up " + _path, error));
    }
    _device = mine.st_dev;
    _inode = mine.st_ino;
}

ListenSocket::~ListenSocket()
{
    ::close(_fd);
    struct stat now {};
    if (::lstat(_path.c_str(), &now) == 0 && now.st_dev == _device && now.st_ino == _inode)
        ::unlink(_path.c_str());
}

} // namespace verpmail
