#include "lmtp/SessionServer.h"

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
#include <set>

namespace verpmail {

using Poco::Net::StreamSocket;

/// What the connections of one server share, and which of them it is serving, so
/// that stopping can end them: shutting a connection's input (not closing it) lets a
/// session that is recording a return finish, send its replies, and only then see
/// the end of its input.
struct SessionContext
{
    std::string name;  ///< "lmtp", "policy": the log lines' prefix
    SessionServer::Handler handler;
    Poco::Logger& log;
    unsigned idleTimeoutSeconds;

    std::mutex mutex{};  ///< guards the two below
    bool closing = false;
    std::set<StreamSocket*> active{};

    /// Registers a connection; false once shutInputs() has begun.
    bool enter(StreamSocket& socket)
    {
        const std::lock_guard<std::mutex> lock(mutex);
        return !closing && active.insert(&socket).second;
    }

    void leave(StreamSocket& socket)
    {
        const std::lock_guard<std::mutex> lock(mutex);
        active.erase(&socket);
    }

    /// Refuses later entries and shuts the input of every registered connection.
    void shutInputs()
    {
        const std::lock_guard<std::mutex> lock(mutex);
        closing = true;
        for (StreamSocket* socket : active) {
            try {
                socket->shutdownReceive();
            } catch (const Poco::Exception&) {
                // The peer has gone already: there is no input left to end.
            }
        }
    }
};

namespace {

// Room for connections the kernel holds before they are accepted.
constexpr int kMinimumBacklog = 16;

// A session's bytes: the socket's receive time-out (set by Connection) is the
// session's idle time-out.
class SocketStream : public ByteStream
{
public:
    explicit SocketStream(StreamSocket& socket) : _socket(socket) {}

    std::size_t receive(char* buffer, std::size_t size) override
    {
        if (_end != StreamEnd::None)
            return 0;
        try {
            const int got = _socket.receiveBytes(buffer, static_cast<int>(size));
            if (got > 0)
                return static_cast<std::size_t>(got);
            _end = StreamEnd::Closed;
        } catch (const Poco::TimeoutException&) {
            _end = StreamEnd::TimedOut;
        } catch (const Poco::IOException&) {
            // A reset connection (a Poco::Net::NetException) is the peer going away, as
            // far as the session cares.
            _end = StreamEnd::Closed;
        }
        return 0;
    }

    void send(std::string_view bytes) override
    {
        while (!bytes.empty()) {
            const int sent = _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
            if (sent <= 0)
                throw Poco::IOException("connection closed while sending");
            bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
    }

    StreamEnd end() const override { return _end; }

private:
    StreamSocket& _socket;
    StreamEnd _end = StreamEnd::None;
};

class Connection : public Poco::Net::TCPServerConnection
{
public:
    Connection(const StreamSocket& socket, SessionContext& context) : TCPServerConnection(socket), _context(context)
    {
    }

    void run() override
    {
        StreamSocket& connected = socket();
        if (!_context.enter(connected))
            return;  // the server is stopping
        const Leave leave{_context, connected};
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
        SessionContext& context;
        StreamSocket& socket;
        ~Leave() { context.leave(socket); }
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
        // SO_REUSEADDR for a quick restart, never SO_REUSEPORT (Poco's two-argument
        // bind sets both): a second bouncer on the same port would silently share
        // smtpd's policy connections instead of failing to start.
        socket.bind(Poco::Net::SocketAddress(hostPort), true, false);
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
    : _context(new SessionContext{std::move(name), std::move(handler), log, std::max(1u, settings.idleTimeoutSeconds)})
{
    const int threads = static_cast<int>(std::max(1u, settings.threads));
    const int backlog = std::max(kMinimumBacklog, static_cast<int>(settings.queued));
    for (const ListenAddress& address : settings.listen) {
        auto listener = std::make_unique<Listener>();
        if (address.kind == ListenAddress::Kind::Unix) {
            listener->file = std::make_unique<UnixSocketFile>(address.where, settings.socketMode,
                                                              settings.socketGroup, backlog);
            listener->socket = listener->file->socket();
            listener->text = address.text();
        } else {
            listener->socket = listenInet(address.where, backlog);
            listener->text = "inet:" + listener->socket.address().toString();
        }
        listener->pool = std::make_unique<Poco::ThreadPool>(1, threads);
        auto params = new Poco::Net::TCPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(static_cast<int>(std::max(1u, settings.queued)));
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
    _context->shutInputs();
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
