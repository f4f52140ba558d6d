#include "lmtp/SessionServer.h"

#include "lmtp/ConnectionRegistry.h"
#include "lmtp/ListenError.h"
#include "lmtp/SocketStream.h"
#include "lmtp/UnixSocketFile.h"

#include "verpmail/util/Printable.h"

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>

#include <algorithm>

namespace verpmail {

/// What the connections of one server share.
struct SessionContext
{
    std::string name;  ///< "lmtp", "policy": the log lines' prefix
    SessionServer::Handler handler;
    Poco::Logger& log;
    unsigned idleTimeoutSeconds;
    ConnectionRegistry registry;
};

namespace {

using Poco::Net::StreamSocket;

// Room for connections the kernel holds before they are accepted.
constexpr int kMinimumBacklog = 16;

class Connection : public Poco::Net::TCPServerConnection
{
public:
    Connection(const StreamSocket& socket, SessionContext& context) : TCPServerConnection(socket), _context(context)
    {
    }

    void run() override
    {
        StreamSocket& connected = socket();
        std::uint64_t id = 0;
        if (!_context.registry.enter(connected, id))
            return;  // the server is stopping
        const Leave leave{_context.registry, id};
        std::string client = "unix";
        try {
            const Poco::Timespan idle(static_cast<long>(_context.idleTimeoutSeconds), 0);
            connected.setReceiveTimeout(idle);
            connected.setSendTimeout(idle);
            if (connected.address().family() != Poco::Net::SocketAddress::UNIX_LOCAL)
                client = connected.peerAddress().toString();
            SocketStream stream(connected);
            LineChannel channel(stream);
            _context.handler(channel, client);
        } catch (const Poco::Exception& e) {
            logError(client, e.displayText());
        } catch (const std::exception& e) {
            logError(client, e.what());
        }
    }

private:
    struct Leave
    {
        ConnectionRegistry& registry;
        std::uint64_t id;
        ~Leave() { registry.leave(id); }
    };

    void logError(const std::string& client, const std::string& reason)
    {
        _context.log.warning(_context.name + ": client=" + client + " status=error reason=\"" +
                             printable(reason, 200) + "\"");
    }

    SessionContext& _context;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
    explicit ConnectionFactory(SessionContext& context) : _context(context) {}

    Poco::Net::TCPServerConnection* createConnection(const StreamSocket& socket) override
    {
        return new Connection(socket, _context);
    }

private:
    SessionContext& _context;
};

Poco::Net::ServerSocket listenInet(const std::string& hostPort, int backlog)
{
    try {
        Poco::Net::ServerSocket socket;
        socket.bind(Poco::Net::SocketAddress(hostPort), true);
        socket.listen(backlog);
        return socket;
    } catch (const Poco::Exception& e) {
        throw ListenError("cannot listen on inet:" + hostPort + ": " + e.displayText());
    }
}

} // namespace

struct SessionServer::Listener
{
    std::unique_ptr<UnixSocketFile> file;  ///< unix sockets only
    Poco::Net::ServerSocket socket;
    std::string text;
    // Declared before the server so that it outlives it: the server's dispatcher runs
    // on the pool's threads.
    std::unique_ptr<Poco::ThreadPool> pool;
    std::unique_ptr<Poco::Net::TCPServer> server;
};

SessionServer::SessionServer(std::string name, const ListenerSettings& settings, Handler handler,
                             Poco::Logger& log)
    : _settings(settings),
      _context(new SessionContext{std::move(name), std::move(handler), log,
                                  std::max(1u, settings.idleTimeoutSeconds), {}})
{
    const int threads = static_cast<int>(std::max(1u, _settings.threads));
    const int backlog = std::max(kMinimumBacklog, static_cast<int>(_settings.queued));
    for (const ListenAddress& address : _settings.listen) {
        auto listener = std::make_unique<Listener>();
        if (address.kind == ListenAddress::Kind::Unix) {
            listener->file = std::make_unique<UnixSocketFile>(address.where, _settings.socketMode,
                                                              _settings.socketGroup, backlog);
            listener->socket = listener->file->socket();
            listener->text = address.text();
        } else {
            listener->socket = listenInet(address.where, backlog);
            listener->text = "inet:" + listener->socket.address().toString();
        }
        listener->pool = std::make_unique<Poco::ThreadPool>(1, threads);
        auto params = new Poco::Net::TCPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(static_cast<int>(std::max(1u, _settings.queued)));
        listener->server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(*_context),
                                                                  *listener->pool, listener->socket, params);
        _listeners.push_back(std::move(listener));
    }
}

SessionServer::~SessionServer()
{
    stop();
}

void SessionServer::start()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        if (_started || _stopping)
            return;
        _started = true;
    }
    for (const auto& listener : _listeners) {
        listener->server->start();
        _context->log.information(_context->name + ": listening on " + listener->text);
    }
}

void SessionServer::stop()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        if (_stopping)
            return;
        _stopping = true;
    }
    for (const auto& listener : _listeners) {
        listener->server->stop();
        // Closed now, not at destruction: a client connecting to a socket nobody
        // accepts on would wait for its time-out instead of trying again later.
        if (listener->file)
            listener->file->close();
        else
            listener->socket.close();
    }
    // A session waiting for its next command sees the end of its input now; one busy
    // with a return finishes it and its replies first.
    _context->registry.shutInputs();
    for (const auto& listener : _listeners)
        listener->pool->joinAll();
    if (_started)
        _context->log.information(_context->name + ": stopped");
}

std::vector<std::string> SessionServer::addresses() const
{
    std::vector<std::string> out;
    for (const auto& listener : _listeners)
        out.push_back(listener->text);
    return out;
}

} // namespace verpmail
