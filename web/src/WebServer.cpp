#include "WebServer.h"

#include "ServerConnections.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <algorithm>

namespace verpmail::web {
namespace {

// Room for connections the kernel holds before they are accepted.
constexpr int kMinimumBacklog = 16;
// Requests on one kept-alive connection before it is closed (a client reconnects).
constexpr int kMaxKeepAliveRequests = 100;

Poco::Net::ServerSocket listenOn(const std::string& where, const Poco::Net::Context::Ptr& tls, int backlog)
{
    try {
        const Poco::Net::SocketAddress address(where);
        Poco::Net::ServerSocket socket = !tls.isNull() ? Poco::Net::ServerSocket(Poco::Net::SecureServerSocket(tls))
                                             : Poco::Net::ServerSocket();
        // SO_REUSEADDR for a quick restart, never SO_REUSEPORT: a second server on the
        // same port must fail here, not share the connections.
        socket.bind(address, true, false);
        socket.listen(backlog);
        return socket;
    } catch (const Poco::Exception& e) {
        throw ListenError("cannot listen on " + where + ": " + e.displayText());
    }
}

Poco::Net::HTTPServerParams::Ptr serverParams(const WebSettings& settings)
{
    Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
    const Poco::Timespan timeout(static_cast<long>(settings.timeoutSeconds), 0);
    params->setMaxThreads(static_cast<int>(settings.threads));
    params->setMaxQueued(static_cast<int>(settings.queue));
    params->setTimeout(timeout);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(timeout);
    params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
    // No Server header: nothing to tell a scanner.
    params->setServerName("");
    params->setSoftwareVersion("");
    return params;
}

} // namespace

WebServer::WebServer(const WebSettings& settings, Poco::Net::Context::Ptr tls, WebHandlers& handlers,
                     Poco::Logger& log)
    : _shared(new ServerShared{handlers, ConnectionDeadlines(std::chrono::seconds(settings.timeoutSeconds)),
                               settings.trustedProxies, settings.maxBodyBytes,
                               settings.sns.enabled() ? settings.sns.maxBodyBytes : settings.maxBodyBytes, log})
{
    const unsigned threads = std::max(1u, settings.threads);
    _socket = listenOn(settings.listen, tls, std::max(kMinimumBacklog, static_cast<int>(settings.queue)));
    _url = std::string(!tls.isNull() ? "https://" : "http://") + _socket.address().toString();
    _port = _socket.address().port();
    _requestFactory = new RequestFactory(*_shared);
    _requests = _requestFactory;  // owns it
    _pool = std::make_unique<Poco::ThreadPool>(1, static_cast<int>(threads));
    Poco::Net::HTTPServerParams::Ptr params = serverParams(settings);
    _server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(*_shared, params, _requests), *_pool,
                                                     _socket, params);
}

WebServer::~WebServer()
{
    stop();
}

void WebServer::start()
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (_started || _stopped)
        return;
    _started = true;
    _server->start();
}

void WebServer::stop()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        if (_stopped)
            return;
        _stopped = true;
    }
    _server->stop();
    // Closed now: a client connecting to a socket nobody accepts on would wait for
    // its time-out instead of failing at once.
    _socket.close();
    // Poco's HTTPServer::stopAll(false): each connection ends after the request in
    // hand is answered; an idle one ends now.
    _requestFactory->stopConnections();
    _pool->joinAll();
}

std::string WebServer::url() const
{
    return _url;
}

unsigned short WebServer::port() const
{
    return _port;
}

std::size_t WebServer::timedOut() const
{
    return _shared->deadlines.expired();
}

} // namespace verpmail::web
