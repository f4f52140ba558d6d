#include "lmtp/UnixSocketFile.h"

#include "lmtp/SessionServer.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace verpmail {
namespace {

using Poco::Net::SocketAddress;

std::string errorText(const std::string& what, int error)
{
    return what + ": " + std::strerror(error);
}

gid_t groupId(const std::string& name)
{
    std::vector<char> buffer(16384);
    group entry{};
    group* found = nullptr;
    const int error = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error != 0)
        throw ListenError(errorText("cannot look up group " + name, error));
    if (found == nullptr)
        throw ListenError("no such group: " + name);
    return found->gr_gid;
}

bool somebodyListens(const std::string& path)
{
    try {
        Poco::Net::StreamSocket probe;
        probe.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

void removeStale(const std::string& path)
{
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) != 0)
        return;
    if (!S_ISSOCK(existing.st_mode))
        throw ListenError(path + " exists and is not a socket; refusing to replace it");
    if (somebodyListens(path))
        throw ListenError(path + " is in use: another server answers on it");
    // A server that was killed leaves its socket file behind; nobody answers on it.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw ListenError(errorText("cannot remove the stale socket " + path, errno));
}

} // namespace

UnixSocketFile::UnixSocketFile(std::string path, unsigned mode, const std::string& group, int backlog)
    : _path(std::move(path))
{
    const gid_t gid = group.empty() ? static_cast<gid_t>(-1) : groupId(group);
    removeStale(_path);
    // The file is created owner-only and opened up by chmod once its group is right,
    // so no other user can connect in between. umask is process-wide: servers are
    // started before any thread that creates files.
    const mode_t saved = ::umask(0177);
    try {
        _socket.bind(SocketAddress(SocketAddress::UNIX_LOCAL, _path), false);
    } catch (const Poco::Exception& e) {
        ::umask(saved);
        throw ListenError("cannot bind " + _path + ": " + e.displayText());
    }
    ::umask(saved);
    struct stat mine {};
    if ((gid != static_cast<gid_t>(-1) && ::chown(_path.c_str(), static_cast<uid_t>(-1), gid) != 0) ||
        ::chmod(_path.c_str(), static_cast<mode_t>(mode & 07777)) != 0 || ::stat(_path.c_str(), &mine) != 0) {
        const int error = errno;
        ::unlink(_path.c_str());
        throw ListenError(errorText("cannot set the owner or mode of " + _path, error));
    }
    _device = mine.st_dev;
    _inode = mine.st_ino;
    try {
        _socket.listen(backlog);
    } catch (const Poco::Exception& e) {
        ::unlink(_path.c_str());
        throw ListenError("cannot listen on " + _path + ": " + e.displayText());
    }
}

UnixSocketFile::~UnixSocketFile()
{
    close();
}

void UnixSocketFile::close()
{
    if (_closed)
        return;
    _closed = true;
    _socket.close();
    // Another server may have replaced the file since (after deciding ours was stale):
    // only our own is removed.
    struct stat now {};
    if (::lstat(_path.c_str(), &now) == 0 && now.st_dev == _device && now.st_ino == _inode)
        ::unlink(_path.c_str());
}

} // namespace verpmail
