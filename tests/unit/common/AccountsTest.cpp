// Accounts: the SQL of the least-privilege accounts (run against MariaDB in
// tests/integration/AccountsTest.cpp).
#include "verpmail/db/Accounts.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace verpmail {
namespace {

bool anyContains(const std::vector<std::string>& statements, const std::string& text)
{
    for (const std::string& s : statements)
        if (s.find(text) != std::string::npos)
            return true;
    return false;
}

TEST(Accounts, NativePasswordHashIsTheServersPasswordFunction)
{
    // SELECT PASSWORD('password') on MariaDB.
    EXPECT_EQ(nativePasswordHash("password"), "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    EXPECT_EQ(nativePasswordHash("password").size(), 41u);
}

TEST(Accounts, BouncerHasNothingOnAdminTablesAndWritesOnlyWhatItRecords)
{
    const std::vector<std::string> grants = roleGrants(AccountRole::Bouncer, "verpmail");
    for (const char* never : {"policy_decisions", "bounce_daily", "ALL", "DELETE"})
        EXPECT_FALSE(anyContains(grants, never)) << never;
    // Mail to the unsubscribe address (MembershipStore): a list's name, a member's
    // opt-out, and its audit row; never reading the audit or changing a list.
    for (const std::string& g : grants) {
        if (g.find("`admin_audit`") != std::string::npos) {
            EXPECT_EQ(g, "GRANT INSERT (at, actor, action, target, detail) ON `verpmail`.`admin_audit`");
        }
        if (g.find("`lists`") != std::string::npos) {
            EXPECT_EQ(g, "GRANT SELECT (id, name) ON `verpmail`.`lists`");
        }
    }
    EXPECT_TRUE(anyContains(grants, "`admin_audit`"));
    EXPECT_TRUE(anyContains(grants, "`lists`"));
    EXPECT_TRUE(anyContains(
        grants, "GRANT SELECT, UPDATE (bounce_count, last_bounce_at, bounce_status, active, inactive_reason) ON "
                "`verpmail`.`members`"));
    // send_log: only reading who was mailed at a domain when (incidents' share).
    for (const std::string& g : grants) {
        if (g.find("`send_log`") != std::string::npos) {
            EXPECT_EQ(g, "GRANT SELECT (campaign_id, email, domain, status, updated_at) ON `verpmail`.`send_log`");
        }
    }
    EXPECT_TRUE(anyContains(grants, "`send_log`"));
    EXPECT_TRUE(anyContains(grants, "GRANT EXECUTE ON PROCEDURE `verpmail`.`count_return`"));
    EXPECT_TRUE(anyContains(grants, "INSERT, UPDATE (incident_id) ON `verpmail`.`bounce_logs`"));
    EXPECT_TRUE(anyContains(grants, "GRANT SELECT (id, list_id, finished_at) ON `verpmail`.`campaigns`"));
    EXPECT_TRUE(anyContains(grants, "ON `verpmail`.`counts_campaign_reason`"));
    EXPECT_FALSE(anyContains(grants, "SuppressedAt"));
}

TEST(Accounts, SenderHasNoDeleteAndNothingOnTheAudit)
{
    const std::vector<std::string> grants = roleGrants(AccountRole::Sender, "verpmail");
    EXPECT_FALSE(anyContains(grants, "admin_audit"));
    EXPECT_FALSE(anyContains(grants, "DELETE"));
    EXPECT_TRUE(anyContains(grants, "ON `verpmail`.`send_log`"));
    EXPECT_EQ(roleGrants(AccountRole::Admin, "verpmail"), std::vector<std::string>{"GRANT ALL PRIVILEGES ON `verpmail`.*"});
}

TEST(Accounts, StatementsCreateSetRevokeThenGrant)
{
    const Account a{AccountRole::Bouncer, "verpmail_bouncer", "localhost"};
    const std::vector<std::string> s = accountStatements(a, "verpmail", nativePasswordHash("pw"));
    ASSERT_GE(s.size(), 4u);
    EXPECT_EQ(s[0].rfind("CREATE USER IF NOT EXISTS 'verpmail_bouncer'@'localhost' IDENTIFIED BY PASSWORD '*", 0), 0u);
    EXPECT_EQ(s[1].rfind("ALTER USER 'verpmail_bouncer'@'localhost' IDENTIFIED BY PASSWORD '*", 0), 0u);
    EXPECT_EQ(s[2], "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'verpmail_bouncer'@'localhost'");
    EXPECT_FALSE(anyContains(s, "'pw'"));
    const std::vector<std::string> noPassword = accountStatements(a, "verpmail", std::nullopt);
    EXPECT_EQ(noPassword[0].rfind("REVOKE", 0), 0u);
}

TEST(Accounts, NamesOutsideTheAlphabetAreRefused)
{
    const char* badUsers[] = {"", "a'b", "a b", "a\\b", "a`b", "a;b", "\xC3\xA9"};
    for (const char* user : badUsers)
        EXPECT_THROW(accountStatements({AccountRole::Bouncer, user, "localhost"}, "verpmail", std::nullopt),
                     std::invalid_argument)
            << user;
    EXPECT_THROW(accountStatements({AccountRole::Bouncer, "u", "h'"}, "verpmail", std::nullopt), std::invalid_argument);
    EXPECT_THROW(accountStatements({AccountRole::Bouncer, "u", "h"}, "verp`mail", std::nullopt), std::invalid_argument);
    EXPECT_THROW(accountStatements({AccountRole::Bouncer, "u", "h"}, "verpmail", std::string("*1' OR 1")),
                 std::invalid_argument);
    EXPECT_NO_THROW(accountStatements({AccountRole::Sender, "verpmail.sender-1", "10.0.0.%"}, "verpmail", std::nullopt));
    EXPECT_NO_THROW(accountStatements({AccountRole::Sender, "s", "fd00::/64"}, "verpmail_2", std::nullopt));
}

} // namespace
} // namespace verpmail
