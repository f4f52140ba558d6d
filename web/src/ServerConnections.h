// ServerConnections: the Poco side of WebServer, one connection and one request at
// a time.
//
// GuardedConnection is Poco's HTTPServerConnection registered with the server's
// ConnectionDeadlines for as long as it runs. RequestAdapter reads a request into a
// WebRequest (the body within web.maxBodyBytes, the client through
// web.trustedProxies), pauses the connection's deadline while WebHandlers works,
// writes the WebAnswer, and rearms the deadline for the next request. A request
// whose body was not read whole leaves its connection closed after the answer.
#pragma once

#include "ClientAddress.h"
#include "ConnectionDeadlines.h"
#include "WebHandlers.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <cstddef>

namespace verpmail::web {

struct ServerShared
{
    WebHandlers& handlers;
    ConnectionDeadlines deadlines;
    TrustedProxies trustedProxies;
    std::size_t maxBodyBytes;
    std::size_t snsMaxBodyBytes;  ///< the bound of /webhooks/sns (web.sns.maxBodyBytes)
    Poco::Logger& log;
};

/// Makes a RequestAdapter per request.
class RequestFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    explicit RequestFactory(ServerShared& shared) : _shared(shared) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

    /// What Poco's HTTPServer::stopAll(false) does: each connection ends after the
    /// request in hand is answered, an idle one at once.
    void stopConnections();

private:
    ServerShared& _shared;
};

/// Makes a GuardedConnection per accepted connection.
class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
    ConnectionFactory(ServerShared& shared, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr requests)
        : _shared(shared), _params(std::move(params)), _requests(std::move(requests))
    {
    }
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    ServerShared& _shared;
    Poco::Net::HTTPServerParams::Ptr _params;
    Poco::Net::HTTPRequestHandlerFactory::Ptr _requests;
};

} // namespace verpmail::web
