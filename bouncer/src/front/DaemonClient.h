// DaemonClient: one return handed to verpmail-bouncerd over its unix socket
// (the wire format is in bouncer/src/daemon/Protocol.h).
#pragma once

#include "MessageInput.h"

#include <string_view>

namespace verpmail::front {

/// An owned socket descriptor.
class DaemonConnection
{
public:
    DaemonConnection() = default;
    DaemonConnection(const DaemonConnection&) = delete;
    DaemonConnection& operator=(const DaemonConnection&) = delete;
    ~DaemonConnection();

    enum class Outcome
    {
        Connected,
        NotRunning,  ///< no socket file, or no one listening on it: the daemon is not there
        Failed,      ///< anything else (permissions, resources): error() says what
    };

    /// Connects to the socket at path (an absolute path shorter than sun_path).
    Outcome connect(const char* path);
    int error() const { return _error; }

    /// Sends the request and waits for the answer. Returns the pipe(8) exit status,
    /// having printed the "4.x.x" line for a tempfail.
    int deliver(std::string_view sender, std::string_view recipient, const MessageInput& message);

private:
    int _fd = -1;
    int _error = 0;
};

} // namespace verpmail::front
