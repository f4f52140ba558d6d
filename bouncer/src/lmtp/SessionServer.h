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

#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace verpmail {

/// A server cannot listen where it was told to (an environment failure).
class ListenError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct SessionContext;

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

    void start();

    /// Stops accepting, ends idle sessions, waits for busy ones to finish. Idempotent.
    void stop();

    /// The addresses bound ("inet:127.0.0.1:10029" with the port chosen when 0 was asked).
    std::vector<std::string> addresses() const;

private:
    struct Listener;

    std::unique_ptr<SessionContext> _context;  ///< what every connection uses; outlives them all
    std::vector<std::unique_ptr<Listener>> _listeners;

    std::mutex _mutex;  ///< guards the two flags
    bool _started = false;
    bool _stopping = false;
};

} // namespace verpmail
