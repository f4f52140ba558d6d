// MysqlMembershipDirectory: the MembershipDirectory of the running server, on MariaDB.
//
//   ConnectionPool pool(settings.mysql, settings.threads);
//   MysqlMembershipDirectory directory(pool, tokens);
//
// Each call runs on a connection of the pool (ConnectionPool.h: a kept connection
// found closed is replaced once; every failure is a StoreUnavailable). Every call is
// safe to repeat: reads, and an idempotent opt-out.
#pragma once

#include "ConnectionPool.h"
#include "MembershipDirectory.h"

namespace verpmail {
class UnsubscribeTokens;
}

namespace verpmail::web {

class MysqlMembershipDirectory : public MembershipDirectory
{
public:
    /// `pool` and `tokens` must outlive the directory.
    MysqlMembershipDirectory(ConnectionPool& pool, const UnsubscribeTokens& tokens);

    std::optional<Membership> byToken(std::string_view token) override;
    OptOut unsubscribe(std::uint64_t memberId, const std::string& actor, const std::string& via) override;
    void ping() override;

private:
    ConnectionPool& _pool;
    const UnsubscribeTokens& _tokens;
};

} // namespace verpmail::web
