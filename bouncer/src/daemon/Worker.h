// Worker: one thread of verpmail-bouncerd. It takes connections from the shared
// listening socket, reads one request each (RequestReader), records the return with
// its own MessageProcessor (and so its own database connection, kept between
// returns), answers "OK <state>" after the commit or "TEMPFAIL 4.x.x text", and
// closes the connection.
//
// A fixed, small pool: each worker holds one database connection, so bouncer.workers
// is also the most connections the daemon opens, whatever Postfix's concurrency.
// Clients beyond that wait in the listen backlog; their own timeout bounds the wait.
#pragma once

#include "MessageProcessor.h"
#include "RequestReader.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/policy/Policy.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Logger.h>

#include <chrono>
#include <string>

namespace verpmail {

/// What every worker shares; read-only once the workers run.
struct WorkerSetup
{
    int listenFd = -1;
    int stopFd = -1;  ///< readable (EOF) once the daemon stops: finish the request in hand, then return
    VerpSettings verp;
    MysqlOptions mysql;
    IncidentSettings incident;
    std::size_t maxMessageBytes = 0;
    std::chrono::seconds readTimeout{10};
};

class Worker
{
public:
    Worker(unsigned id, const WorkerSetup& setup, Poco::Logger& log);

    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// The thread's body: serves connections until stopFd says stop. Never throws.
    void run() noexcept;

private:
    void serve(int connection);
    /// Records the request; returns the reply line (with its LF).
    std::string record(ReturnRequest request, const std::string& client);

    unsigned _id;
    const WorkerSetup& _setup;
    Poco::Logger& _log;
    MessageProcessor _processor;
};

} // namespace verpmail
