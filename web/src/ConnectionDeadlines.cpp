#include "ConnectionDeadlines.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace verpmail::web {

ConnectionDeadlines::ConnectionDeadlines(std::chrono::milliseconds timeout, std::chrono::milliseconds tick)
    : _timeout(timeout), _tick(tick), _thread([this] { watch(); })
{
}

ConnectionDeadlines::~ConnectionDeadlines()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    _thread.join();
    for (const auto& [key, entry] : _entries)
        ::close(entry.fd);
}

bool ConnectionDeadlines::enter(const void* key, int fd)
{
    const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own < 0)
        return false;
    const std::lock_guard<std::mutex> lock(_mutex);
    Entry& entry = _entries[key];
    if (entry.fd >= 0)
        ::close(entry.fd);
    entry.fd = own;
    entry.deadline = Clock::now() + _timeout;
    return true;
}

void ConnectionDeadlines::leave(const void* key)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    const auto it = _entries.find(key);
    if (it == _entries.end())
        return;
    ::close(it->second.fd);
    _entries.erase(it);
}

void ConnectionDeadlines::pause(const void* key)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (const auto it = _entries.find(key); it != _entries.end())
        it->second.deadline.reset();
}

void ConnectionDeadlines::rearm(const void* key)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (const auto it = _entries.find(key); it != _entries.end())
        it->second.deadline = Clock::now() + _timeout;
}

std::size_t ConnectionDeadlines::expired() const
{
    const std::lock_guard<std::mutex> lock(_mutex);
    return _expired;
}

std::size_t ConnectionDeadlines::registered() const
{
    const std::lock_guard<std::mutex> lock(_mutex);
    return _entries.size();
}

void ConnectionDeadlines::watch()
{
    std::unique_lock<std::mutex> lock(_mutex);
    while (!_stopping) {
        _wake.wait_for(lock, _tick);
        const Clock::time_point now = Clock::now();
        for (auto& [key, entry] : _entries) {
            if (!entry.deadline || *entry.deadline > now)
                continue;
            // Ends the blocked read (and any later one) of the connection; what the
            // server had written is still delivered. The descriptor stays ours.
            ::shutdown(entry.fd, SHUT_RDWR);
            entry.deadline.reset();
            ++_expired;
        }
    }
}

} // namespace verpmail::web
