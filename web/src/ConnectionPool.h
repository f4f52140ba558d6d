// ConnectionPool: verpmail-web's MariaDB connections, shared by the membership
// directory and the return ledger.
//
//   ConnectionPool pool(settings.mysql, settings.threads);
//   pool.probe(log);                                       // at start-up
//   auto n = pool.with<int>([](MysqlConnection& db) { ...; return 1; });
//
// Keeps the connections of finished calls (at most maxIdle) for the next ones; a
// call takes one, or opens a new one, and uses it alone. A connection that failed
// is closed, never reused. When a kept connection turns out to be gone (the server
// restarted, or closed it for idleness), the call is made once more on a new one:
// every call must be safe to repeat (reads, an idempotent opt-out, a return with
// its dedup key). Every database or option-file failure becomes a StoreUnavailable;
// nothing here can bring the server down. Thread-safe.
#pragma once

#include "MembershipDirectory.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/Logger.h>

#include <memory>
#include <mutex>
#include <vector>

namespace verpmail::web {

class ConnectionPool
{
public:
    /// Initialises the client library (call it before any server thread starts).
    ConnectionPool(MysqlOptions options, std::size_t maxIdle);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// Runs call(connection) and returns what it returns. @throws StoreUnavailable;
    /// anything else the call throws (UnrecordableReturn) passes through, and the
    /// connection is closed.
    template <typename Result, typename Call>
    Result with(const Call& call);

    /// Connects once. @throws ConfigError when the option file is unusable or the
    /// server refuses the account (the operator must fix those before starting);
    /// a database that is merely unreachable is logged as a warning and the server
    /// starts anyway (health answers 503 until it is back).
    void probe(Poco::Logger& log);

private:
    std::unique_ptr<MysqlConnection> take(bool& reused);
    void giveBack(std::unique_ptr<MysqlConnection> connection);
    static bool connectionLost(const MysqlError& e);

    const MysqlOptions _options;
    const std::size_t _maxIdle;
    std::mutex _mutex;  ///< guards _idle
    std::vector<std::unique_ptr<MysqlConnection>> _idle;
};

template <typename Result, typename Call>
Result ConnectionPool::with(const Call& call)
{
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        try {
            std::unique_ptr<MysqlConnection> connection = take(reused);
            Result result = call(*connection);
            giveBack(std::move(connection));
            return result;
        } catch (const MysqlError& e) {
            // The failed connection is gone with the exception. Once more on a new one
            // when a kept connection had been closed under us.
            if (reused && attempt == 0 && connectionLost(e))
                continue;
            throw StoreUnavailable("database: " + e.describe(), e.isTransient());
        } catch (const ConfigError& e) {
            // The option file changed since start-up (mode, owner, removed).
            throw StoreUnavailable(e.what(), false);
        }
    }
}

} // namespace verpmail::web
