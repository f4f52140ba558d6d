// WebServer: Poco's HTTP server around WebHandlers.
//
//   WebServer server(settings, tlsContext, handlers, log);   // binds web.listen
//   server.start();
//   ... until asked to stop ...
//   server.stop();          // or the destructor
//
// web.threads requests are served at once; web.queue accepted connections wait for
// a thread, and Poco closes those beyond. A request's header is bounded by Poco (100
// fields, 8 KiB a value, 16 KiB of target), its body by web.maxBodyBytes
// (RequestBody), and the time a client takes to send it, handshake included, by
// web.timeout (ConnectionDeadlines); kept-alive connections idle at most as long.
// Each request is turned into a WebRequest (client resolved through
// web.trustedProxies) and its WebAnswer written back with headers that keep the
// pages out of caches, frames and referrers. stop() closes the listening socket,
// lets every request in hand be answered, closes idle connections and returns once
// every connection has ended.
#pragma once

#include "ConnectionDeadlines.h"
#include "WebHandlers.h"
#include "WebSettings.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/ServerSocket.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
}
} // namespace Poco

namespace verpmail::web {

/// The server cannot listen where it was told to (an environment failure).
class ListenError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// What every request handler of one server shares; outlives them all.
struct ServerShared;
class RequestFactory;

class WebServer
{
public:
    /// Binds settings.listen (port 0: any free port); HTTPS when `tls` is set.
    /// `handlers` must outlive the server. @throws ListenError naming the address.
    WebServer(const WebSettings& settings, Poco::Net::Context::Ptr tls, WebHandlers& handlers, Poco::Logger& log);
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    void start();

    /// Stops accepting, answers the requests in hand, ends idle connections, waits
    /// for every connection to end. Idempotent.
    void stop();

    /// "https://127.0.0.1:8025": where it listens (the port chosen, when 0 was asked).
    std::string url() const;
    unsigned short port() const;

    /// Connections cut for web.timeout so far.
    std::size_t timedOut() const;

private:
    std::unique_ptr<ServerShared> _shared;
    Poco::Net::ServerSocket _socket;
    std::string _url;
    unsigned short _port = 0;
    Poco::Net::HTTPRequestHandlerFactory::Ptr _requests;
    RequestFactory* _requestFactory = nullptr;  ///< _requests, as what it is
    // Declared before the server so that it outlives it: the server's dispatcher runs
    // on the pool's threads.
    std::unique_ptr<Poco::ThreadPool> _pool;
    std::unique_ptr<Poco::Net::TCPServer> _server;

    std::mutex _mutex;  ///< guards the two flags
    bool _started = false;
    bool _stopped = false;
};

} // namespace verpmail::web
