// SessionServer: the listening half shared by the LMTP server and the policy service.
//
//   SessionServer server("lmtp", settings, [&](LineChannel& channel, const std::string& client) {
//       LmtpSession(channel, desk, lmtpSettings, client, log).run();
//   }, log);
//   server.start();
//   ...
//   server.stop();   // or the destructor
//
// One Poco::Net::TCPServer per listen address (unix socket or TCP), each with its
// own thread pool (settings.threads) and queue of accepted connections
// (settings.queued; Poco closes those beyond it). The idle time-out is the sockets'
// receive and send time-out. stop() lets every session finish what it is doing:
// accepting ends, then the sessions' input is shut, so a session mid-transaction
// completes its current commit and its replies, and then sees the end of input.
#pragma once

#include "lmtp/LineChannel.h"
#include "lmtp/ServerSettings.h"

#include <Poco/Logger.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace verpmail {

class SessionServer
{
public:
    /// Serves one connection; `client` names the peer for the log. May throw: the
    /// connection is then closed and the error logged.
    using Handler = std::function<void(LineChannel& channel, const std::string& client)>;

    /// Binds every listen address (nothing is served before start()).
    /// @throws ListenError naming the address.
    SessionServer(std::string name, const ListenerSettings& settings, Handler handler, Poco::Logger& log);
    ~SessionServer();

    SessionServer(const SessionServer&) = delete;
    SessionServer& operator=(const SessionServer&) = delete;

    void start();

    /// Stops accepting, ends idle sessions, waits for busy ones to finish. Idempotent.
    void stop();

    /// The addresses bound ("inet:127.0.0.1:10029" with the port chosen when 0 was asked).
    std::vector<std::string> addresses() const;

    /// Called by each connection: false when stopping (the connection ends at once).
    bool enter(std::uint64_t& id, const Poco::Net::StreamSocket& socket);
    void leave(std::uint64_t id);

    const Handler& handler() const { return _handler; }
    Poco::Logger& log() const { return _log; }
    const std::string& name() const { return _name; }

private:
    struct Listener;

    std::string _name;
    ListenerSettings _settings;
    Handler _handler;
    Poco::Logger& _log;
    std::vector<std::unique_ptr<Listener>> _listeners;

    std::mutex _mutex;  ///< guards what follows
    bool _stopping = false;
    bool _started = false;
    std::uint64_t _nextId = 0;
    std::map<std::uint64_t, Poco::Net::StreamSocket> _active;
};

} // namespace verpmail
