// ConnectionRegistry: the connections a server is serving, so that stopping can end them.
//
//   std::uint64_t id;
//   if (!registry.enter(socket, id)) return;   // the server is stopping
//   ... serve ...
//   registry.leave(id);
//
//   registry.shutInputs();   // stop(): no new entries; every session's input ends
//
// Shutting a connection's input (not closing it) lets a session that is recording a
// return finish, send its replies, and only then see the end of its input.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <map>
#include <mutex>

namespace verpmail {

class ConnectionRegistry
{
public:
    /// Registers a connection; false once shutInputs() has begun.
    bool enter(const Poco::Net::StreamSocket& socket, std::uint64_t& id);

    void leave(std::uint64_t id);

    /// Refuses later entries and shuts the input of every registered connection.
    void shutInputs();

private:
    std::mutex _mutex;
    bool _closing = false;
    std::uint64_t _nextId = 0;
    std::map<std::uint64_t, Poco::Net::StreamSocket> _active;
};

} // namespace verpmail
