#include "MysqlMembershipDirectory.h"

namespace verpmail::web {

MysqlMembershipDirectory::MysqlMembershipDirectory(ConnectionPool& pool, const UnsubscribeTokens& tokens)
    : _pool(pool), _tokens(tokens)
{
}

std::optional<Membership> MysqlMembershipDirectory::byToken(std::string_view token)
{
    return _pool.with<std::optional<Membership>>(
        [&](MysqlConnection& db) { return MembershipStore(db).byToken(_tokens, token); });
}

OptOut MysqlMembershipDirectory::unsubscribe(std::uint64_t memberId, const std::string& actor, const std::string& via)
{
    return _pool.with<OptOut>(
        [&](MysqlConnection& db) { return MembershipStore(db).unsubscribe(memberId, actor, via); });
}

void MysqlMembershipDirectory::ping()
{
    _pool.with<bool>([](MysqlConnection& db) {
        // Needs no privilege, and fails on a connection the server has dropped.
        db.execute("DO 1");
        return true;
    });
}

} // namespace verpmail::web
