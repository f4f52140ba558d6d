#include "ServerConnections.h"

#include "WebRoutes.h"

#include "verpmail/util/Printable.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>

#include <exception>
#include <ostream>

namespace verpmail::web {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Pages hold a capability (the token is in their URL): never cached, framed, sniffed
// or given away as a Referer; they load nothing and post only to themselves.
constexpr std::pair<const char*, const char*> kSafetyHeaders[] = {
    {"Cache-Control", "no-store"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
};

/// The connection a request came on, as ConnectionDeadlines knows it.
const void* connectionKey(HTTPServerRequest& request)
{
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    return impl ? static_cast<const void*>(impl->socket().impl()) : nullptr;
}

std::vector<std::string> forwardedFor(const HTTPServerRequest& request)
{
    std::vector<std::string> values;
    for (const auto& [name, value] : request)
        if (Poco::icompare(name, "X-Forwarded-For") == 0)
            values.push_back(value);
    return values;
}

RequestBody readBody(HTTPServerRequest& request, std::size_t maxBytes)
{
    std::optional<std::uint64_t> declared;
    if (request.hasContentLength()) {
        const Poco::Int64 length = request.getContentLength64();
        if (length < 0)
            return RequestBody{RequestBody::Status::Incomplete, ""};
        declared = static_cast<std::uint64_t>(length);
    } else if (!request.getChunkedTransferEncoding()) {
        // RFC 9112 6.3: a request with neither has no body. Poco would read until the
        // client closes, and the request would wait for the deadline.
        declared = 0;
    }
    return readRequestBody(request.stream(), declared, maxBytes);
}

void send(HTTPServerResponse& response, const WebAnswer& answer, bool close, bool head)
{
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    response.setContentType(answer.contentType);
    for (const auto& [name, value] : kSafetyHeaders)
        response.set(name, value);
    for (const auto& [name, value] : answer.headers)
        response.set(name, value);
    // Unread body bytes would be taken for the next request.
    if (close)
        response.setKeepAlive(false);
    // send() rather than sendBuffer(): its stream can be flushed here, so the answer
    // is on the wire before lingerBeforeClose() ends our side.
    response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
    std::ostream& out = response.send();
    if (!head)
        out.write(answer.body.data(), static_cast<std::streamsize>(answer.body.size()));
    out.flush();
}

/// After a 413 the client may still be sending the body we refused. Closing with
/// those bytes unread makes the kernel reset the connection, and a reset can reach
/// the client before it has read our answer. So: end our side, then read and drop
/// a bounded amount until the client closes (the deadline bounds the time).
void lingerBeforeClose(HTTPServerRequest& request)
{
    constexpr std::size_t kMaxDrainBytes = 1 << 20;
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr)
        return;
    try {
        Poco::Net::StreamSocket& socket = impl->socket();
        socket.shutdownSend();
        socket.setReceiveTimeout(Poco::Timespan(2, 0));
        char buffer[8192];
        for (std::size_t drained = 0; drained < kMaxDrainBytes;) {
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0)
                break;
            drained += static_cast<std::size_t>(n);
        }
    } catch (const Poco::Exception&) {
        // A reset or a time-out: the connection ends either way.
    }
}

class RequestAdapter : public Poco::Net::HTTPRequestHandler
{
public:
    explicit RequestAdapter(ServerShared& shared) : _shared(shared) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override
    {
        const void* key = connectionKey(request);
        WebRequest in;
        bool close = true;
        try {
            in.method = request.getMethod();
            in.target = request.getURI();
            in.contentType = request.get("Content-Type", "");
            in.client = resolveClientAddress(request.clientAddress().host(), forwardedFor(request),
                                             _shared.trustedProxies);
            in.snsMessageType = request.get("x-amz-sns-message-type", "");
            in.authorization = request.get("Authorization", "");
            in.ifNoneMatch = request.get("If-None-Match", "");
            const bool sns = routeOf(in.target).kind == Route::Kind::SnsWebhook;
            in.body = readBody(request, sns ? _shared.snsMaxBodyBytes : _shared.maxBodyBytes);
            close = !in.body.complete();
        } catch (const std::exception&) {
            // A header Poco parsed but we cannot use (a malformed Content-Length).
            in.body.status = RequestBody::Status::Incomplete;
        }
        _shared.deadlines.pause(key);
        const WebAnswer answer = _shared.handlers.handle(in);
        try {
            send(response, answer, close, in.method == "HEAD");
        } catch (const Poco::Exception& e) {
            // The client went away before reading its answer: nothing to do about it.
            _shared.log.debug("web: status=unsent reason=\"%s\" client=%s", printable(e.displayText(), 200), in.client);
        }
        _shared.deadlines.rearm(key);
        if (in.body.status == RequestBody::Status::TooLarge)
            lingerBeforeClose(request);
    }

private:
    ServerShared& _shared;
};

class GuardedConnection : public Poco::Net::HTTPServerConnection
{
public:
    GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr requests, ServerShared& shared)
        : HTTPServerConnection(socket, std::move(params), std::move(requests)), _shared(shared)
    {
    }

    void run() override
    {
        const void* key = socket().impl();
        const bool watched = _shared.deadlines.enter(key, socket().impl()->sockfd());
        try {
            HTTPServerConnection::run();
        } catch (const Poco::Exception& e) {
            // A failed TLS handshake, a reset: the connection ends, the server goes on.
            _shared.log.debug("web: status=connection-error reason=\"%s\"", printable(e.displayText(), 200));
        } catch (const std::exception& e) {
            _shared.log.debug("web: status=connection-error reason=\"%s\"", printable(e.what(), 200));
        }
        if (watched)
            _shared.deadlines.leave(key);
    }

private:
    ServerShared& _shared;
};

} // namespace

Poco::Net::HTTPRequestHandler* RequestFactory::createRequestHandler(const HTTPServerRequest&)
{
    return new RequestAdapter(_shared);
}

void RequestFactory::stopConnections()
{
    const bool abortCurrent = false;
    serverStopped(this, abortCurrent);
}

Poco::Net::TCPServerConnection* ConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new GuardedConnection(socket, _params, _requests, _shared);
}

} // namespace verpmail::web
