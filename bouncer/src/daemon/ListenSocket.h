// ListenSocket: the daemon's unix stream socket, owned for the life of the process.
//
//   ListenSocket socket("/run/verpmail/bouncerd.sock");   // throws SocketError
//
// Creates the parent directory if it is missing (mode 0750: clients run as the same
// user, or in its group), replaces a stale socket left by a daemon that died, refuses
// to start beside a daemon that still answers, and binds with mode 0660 (the umask is
// set around bind(), so there is no moment when the socket is wider open). The
// destructor removes the path, but only if it is still this socket: a daemon being
// replaced must not delete its successor's socket.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace verpmail {

class SocketError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class ListenSocket
{
public:
    explicit ListenSocket(std::string path, int backlog = 128);
    ~ListenSocket();

    ListenSocket(const ListenSocket&) = delete;
    ListenSocket& operator=(const ListenSocket&) = delete;

    /// Non-blocking, close-on-exec: workers poll() it and race for accept().
    int fd() const { return _fd; }
    const std::string& path() const { return _path; }

private:
    std::string _path;
    int _fd = -1;
    dev_t _device = 0;
    ino_t _inode = 0;
};

} // namespace verpmail
