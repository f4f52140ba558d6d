// UnixSocketFile: a listening unix socket and the file that names it.
//
//   UnixSocketFile file("/run/verpmail/lmtp.sock", 0660, "postfix", 64);
//   TCPServer server(factory, pool, file.socket(), params);
//   // close() or the destructor removes the file, if it is still this socket's
//
// A socket file left by a server that was killed is replaced only when nothing
// answers on it; a live one, or a file that is not a socket, is an error.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <sys/types.h>

#include <string>

namespace verpmail {

class UnixSocketFile
{
public:
    /// Binds and listens. `group` "" keeps the process's group.
    /// @throws ListenError naming the path and the reason.
    UnixSocketFile(std::string path, unsigned mode, const std::string& group, int backlog);
    ~UnixSocketFile();

    UnixSocketFile(const UnixSocketFile&) = delete;
    UnixSocketFile& operator=(const UnixSocketFile&) = delete;

    const Poco::Net::ServerSocket& socket() const { return _socket; }

    /// Closes the socket and removes its file (if still this socket's). Idempotent.
    void close();

private:
    std::string _path;
    Poco::Net::ServerSocket _socket;
    dev_t _device = 0;
    ino_t _inode = 0;
    bool _closed = false;
};

} // namespace verpmail
