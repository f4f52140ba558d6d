// MysqlMembershipDirectory: the MembershipDirectory of the running server, on MariaDB.
//
//   MysqlMembershipDirectory directory(settings.mysql, tokens, settings.threads);
//   directory.probe(log);     // at start-up: a refused account stops the start
//
// Keeps the connections of finished requests (at most maxIdle) for the next ones;
// a request takes one, or opens a new one, and uses it alone. A connection that
// failed is closed, never reused. When a kept connection turns out to be gone (the
// server restarted, or closed it for idleness), the call is made once more on a new
// one: every call is safe to repeat (reads, and an idempotent opt-out). Every
// database or option-file failure becomes a StoreUnavailable; nothing here can
// bring the server down.
#pragma once

#include "MembershipDirectory.h"

#include "verpmail/db/MysqlConnection.h"

#include <Poco/Logger.h>

#include <memory>
#include <mutex>
#include <vector>

namespace verpmail {
class UnsubscribeTokens;
}

namespace verpmail::web {

class MysqlMembershipDirectory : public MembershipDirectory
{
public:
    /// `tokens` must outlive the directory. Initialises the client library (call it
    /// before any server thread starts).
    MysqlMembershipDirectory(MysqlOptions options, const UnsubscribeTokens& tokens, std::size_t maxIdle);
    ~MysqlMembershipDirectory() override;

    std::optional<Membership> byToken(std::string_view token) override;
    OptOut unsubscribe(std::uint64_t memberId, const std::string& actor, const std::string& via) override;
    void ping() override;

    /// Connects once. @throws ConfigError when the option file is unusable or the
    /// server refuses the account (the operator must fix those before starting);
    /// a database that is merely unreachable is logged as a warning and the server
    /// starts anyway (health answers 503 until it is back).
    void probe(Poco::Logger& log);

private:
    template <typename Result, typename Call>
    Result withConnection(const Call& call);

    std::unique_ptr<MysqlConnection> take(bool& reused);
    void giveBack(std::unique_ptr<MysqlConnection> connection);

    const MysqlOptions _options;
    const UnsubscribeTokens& _tokens;
    const std::size_t _maxIdle;
    std::mutex _mutex;  ///< guards _idle
    std::vector<std::unique_ptr<MysqlConnection>> _idle;
};

} // namespace verpmail::web
