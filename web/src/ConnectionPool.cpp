#include "ConnectionPool.h"

#include "verpmail/util/Printable.h"

#include <mysql.h>

namespace verpmail::web {

ConnectionPool::ConnectionPool(MysqlOptions options, std::size_t maxIdle)
    : _options(std::move(options)), _maxIdle(maxIdle)
{
    // mysql_init() would initialise the library on first use, which is not thread-safe.
    mysql_library_init(0, nullptr, nullptr);
}

ConnectionPool::~ConnectionPool() = default;

bool ConnectionPool::connectionLost(const MysqlError& e)
{
    // CR_SERVER_GONE_ERROR, CR_SERVER_LOST: a kept connection the server has closed.
    return e.errorNumber() == 2006 || e.errorNumber() == 2013;
}

std::unique_ptr<MysqlConnection> ConnectionPool::take(bool& reused)
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        if (!_idle.empty()) {
            std::unique_ptr<MysqlConnection> connection = std::move(_idle.back());
            _idle.pop_back();
            reused = true;
            return connection;
        }
    }
    reused = false;
    return std::make_unique<MysqlConnection>(_options);
}

void ConnectionPool::giveBack(std::unique_ptr<MysqlConnection> connection)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (_idle.size() < _maxIdle)
        _idle.push_back(std::move(connection));
}

void ConnectionPool::probe(Poco::Logger& log)
{
    try {
        giveBack(std::make_unique<MysqlConnection>(_options));
    } catch (const MysqlError& e) {
        if (!e.isTransient())
            throw ConfigError("database: " + e.describe());
        log.warning("web: status=database-unavailable reason=\"%s\" (starting anyway: /health answers 503 until it "
                    "is back)",
                    printable(e.describe(), 300));
    }
}

} // namespace verpmail::web
