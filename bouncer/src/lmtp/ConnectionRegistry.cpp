#include "lmtp/ConnectionRegistry.h"

#include <Poco/Exception.h>

namespace verpmail {

bool ConnectionRegistry::enter(const Poco::Net::StreamSocket& socket, std::uint64_t& id)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (_closing)
        return false;
    id = ++_nextId;
    _active.emplace(id, socket);
    return true;
}

void ConnectionRegistry::leave(std::uint64_t id)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    _active.erase(id);
}

void ConnectionRegistry::shutInputs()
{
    const std::lock_guard<std::mutex> lock(_mutex);
    _closing = true;
    for (auto& entry : _active) {
        try {
            entry.second.shutdownReceive();
        } catch (const Poco::Exception&) {
            // The peer has gone already: there is no input left to end.
        }
    }
}

} // namespace verpmail
