// ConnectionDeadlines: the whole-request time-out (web.timeout) of verpmail-web.
//
// Poco's time-outs are per read: a client sending one byte a little faster than
// that would hold a server thread for as long as it likes. So each connection is
// registered here with a deadline; a watch thread shuts down (shutdown(2), both
// ways) the socket of every connection past its deadline, which ends whatever read
// it is blocked in. The clock runs while the client sends a request (the TLS
// handshake, the header, the body) and, between requests, while a kept-alive
// connection idles; it is paused while the server works on the request (pause())
// and rearmed when the answer is out (rearm()).
//
//   ConnectionDeadlines deadlines(std::chrono::seconds(30));
//   deadlines.enter(socket);          // in the connection's thread
//   ... deadlines.pause(key) / rearm(key) around the handler ...
//   deadlines.leave(socket);
//
// Each registration keeps a dup() of the descriptor until leave(): the watch thread
// never acts on a descriptor number the connection has closed and the kernel may
// have given to another connection. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace verpmail::web {

class ConnectionDeadlines
{
public:
    using Clock = std::chrono::steady_clock;

    /// Starts the watch thread (checking every `tick`).
    explicit ConnectionDeadlines(std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds tick = std::chrono::milliseconds(200));
    ~ConnectionDeadlines();
    ConnectionDeadlines(const ConnectionDeadlines&) = delete;
    ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

    /// Registers the connection `key` on descriptor `fd`, its clock running from now.
    /// False when the descriptor cannot be duplicated (out of descriptors): the
    /// connection then has only Poco's per-read time-out.
    bool enter(const void* key, int fd);
    void leave(const void* key);

    /// Stops the clock of `key` (the server is working on its request).
    void pause(const void* key);
    /// Restarts it with a full time-out (the answer is out; the next request may come).
    void rearm(const void* key);

    /// Connections shut down for their deadline so far.
    std::size_t expired() const;
    /// Connections registered now.
    std::size_t registered() const;

private:
    struct Entry
    {
        int fd = -1;  ///< our own dup()
        std::optional<Clock::time_point> deadline;
    };

    void watch();

    const std::chrono::milliseconds _timeout;
    const std::chrono::milliseconds _tick;
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::size_t _expired = 0;
    std::unordered_map<const void*, Entry> _entries;
    std::thread _thread;  ///< last: started once everything it uses is
};

} // namespace verpmail::web
