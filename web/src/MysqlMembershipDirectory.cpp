#include "MysqlMembershipDirectory.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/util/Printable.h"

#include <mysql.h>

namespace verpmail::web {
namespace {

// CR_SERVER_GONE_ERROR, CR_SERVER_LOST: a kept connection the server has closed.
bool connectionLost(const MysqlError& e)
{
    return e.errorNumber() == 2006 || e.errorNumber() == 2013;
}

StoreUnavailable unavailable(const MysqlError& e)
{
    return StoreUnavailable("database: " + e.describe(), e.isTransient());
}

} // namespace

MysqlMembershipDirectory::MysqlMembershipDirectory(MysqlOptions options, const UnsubscribeTokens& tokens,
                                                   std::size_t maxIdle)
    : _options(std::move(options)), _tokens(tokens), _maxIdle(maxIdle)
{
    // mysql_init() would initialise the library on first use, which is not thread-safe.
    mysql_library_init(0, nullptr, nullptr);
}

MysqlMembershipDirectory::~MysqlMembershipDirectory() = default;

std::unique_ptr<MysqlConnection> MysqlMembershipDirectory::take(bool& reused)
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

void MysqlMembershipDirectory::giveBack(std::unique_ptr<MysqlConnection> connection)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    if (_idle.size() < _maxIdle)
        _idle.push_back(std::move(connection));
}

template <typename Result, typename Call>
Result MysqlMembershipDirectory::withConnection(const Call& call)
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
            throw unavailable(e);
        } catch (const ConfigError& e) {
            // The option file changed since start-up (mode, owner, removed).
            throw StoreUnavailable(e.what(), false);
        }
    }
}

std::optional<Membership> MysqlMembershipDirectory::byToken(std::string_view token)
{
    return withConnection<std::optional<Membership>>(
        [&](MysqlConnection& db) { return MembershipStore(db).byToken(_tokens, token); });
}

OptOut MysqlMembershipDirectory::unsubscribe(std::uint64_t memberId, const std::string& actor, const std::string& via)
{
    return withConnection<OptOut>(
        [&](MysqlConnection& db) { return MembershipStore(db).unsubscribe(memberId, actor, via); });
}

void MysqlMembershipDirectory::ping()
{
    withConnection<bool>([](MysqlConnection& db) {
        // Needs no privilege, and fails on a connection the server has dropped.
        db.execute("DO 1");
        return true;
    });
}

void MysqlMembershipDirectory::probe(Poco::Logger& log)
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
