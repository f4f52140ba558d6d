#include "lmtp/SessionServer.h"

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
namespace {

using Poco::Net::StreamSocket;

// Room for connections the kernel holds before they are accepted.
constexpr int kMinimumBacklog = 16;

class Connection : public Poco::Net::TCPServerConnection
{
public:
    Connection(const StreamSocket& socket, SessionServer& server, bool local, unsigned idleTimeoutSeconds)
        : TCPServerConnection(socket), _server(server), _local(local), _idleTimeoutSeconds(idleTimeoutSeconds)
    {
    }

    void run() override
    {
        StreamSocket& connected = socket();
        std::uint64_t id = 0;
        if (!_server.enter(id, connected))
            return;
        const Leave leave{_server, id};
        std::string client = "unix";
        try {
            const Poco::Timespan idle(static_cast<long>(_idleTimeoutSeconds), 0);
            connected.setReceiveTimeout(idle);
            connected.setSendTimeout(idle);
            if (!_local)
                client = connected.peerAddress().toString();
            SocketStream stream(connected);
            LineChannel channel(stream);
            _server.handler()(channel, client);
        } catch (const Poco::Exception& e) {
            logError(client, e.displayText());
        } catch (const std::exception& e) {
            logError(client, e.what());
        }
    }

private:
    struct Leave
    {
        SessionServer& server;
        std::uint64_t id;
        ~Leave() { server.leave(id); }
    };

    void logError(const std::string& client, const std::string& reason)
    {
        _server.log().warning(_server.name() + ": client=" + client + " status=error reason=\"" +
                              printable(reason, 200) + "\"");
    }

    SessionServer& _server;
    const bool _local;
    const unsigned _idleTimeoutSeconds;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
    ConnectionFactory(SessionServer& server, bool local, unsigned idleTimeoutSeconds)
        : _server(server), _local(local), _idleTimeoutSeconds(idleTimeoutSeconds)
    {
    }

    Poco::Net::TCPServerConnection* createConnection(const StreamSocket& socket) override
    {
        return new Connection(socket, _server, _local, _idleTimeoutSeconds);
    }

private:
    SessionServer& _server;
    const bool _local;
    const unsigned _idleTimeoutSeconds;
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
    : _name(std::move(name)), _settings(settings), _handler(std::move(handler)), _log(log)
{
    const int threads = static_cast<int>(std::max(1u, _settings.threads));
    const int backlog = std::max(kMinimumBacklog, static_cast<int>(_settings.queued));
    for (const ListenAddress& address : _settings.listen) {
        auto listener = std::make_unique<Listener>();
        const bool local = address.kind == ListenAddress::Kind::Unix;
        if (local) {
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
        listener->server = std::make_unique<Poco::Net::TCPServer>(
            new ConnectionFactory(*this, local, std::max(1u, _settings.idleTimeoutSeconds)), *listener->pool,
            listener->socket, params);
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
        _log.information(_name + ": listening on " + listener->text);
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
    {
        // A session waiting for its next command sees the end of its input now; one
        // busy with a return finishes it and its replies first.
        const std::lock_guard<std::mutex> lock(_mutex);
        for (auto& [id, socket] : _active) {
            try {
                socket.shutdownReceive();
            } catch (const Poco::Exception&) {
                // Already closed by the peer: nothing to end.
            }
        }
    }
    for (const auto& listener : _listeners)
        listener->pool->joinAll();
    if (_started)
        _log.information(_name + ": stopped");
}

std::vector<std::string> SessionServer::addresses() const
{
    std::vector<std::string> out;
    for (const auto& listener : _listeners)
        out.push_back(listener->text);
    return out;
}

bool SessionServer::enter(std::uint64_t& id, const Poco::Net::StreamSocket& socket)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (_stopping)
        return false;
    id = ++_nextId;
    _active.emplace(id, socket);
    return true;
}

void SessionServer::leave(std::uint64_t id)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    _active.erase(id);
}

} // namespace verpmail
