// The web role of `verpmail-admin db accounts`: verpmail-web answers the Internet, so
// its account may do what an opt-out needs and nothing else.
#include "verpmail/db/Accounts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

namespace verpmail {
namespace {

TEST(WebAccount, ExactlyTheGrantsOfAnOptOut)
{
    const std::vector<std::string> want = {
        "GRANT SELECT, UPDATE (active, inactive_reason) ON `verpmail`.`members`",
        "GRANT SELECT (id, name) ON `verpmail`.`lists`",
        "GRANT INSERT (at, actor, action, target, detail) ON `verpmail`.`admin_audit`",
    };
    EXPECT_EQ(roleGrants(AccountRole::Web, "verpmail"), want);
}

TEST(WebAccount, NothingOnReturnsCountersOrTheQueue)
{
    const std::vector<std::string> grants = roleGrants(AccountRole::Web, "verpmail");
    for (const char* never : {"ALL", "DELETE", "EXECUTE", "counts_", "bounce_logs", "EmailAddressTracker", "send_log",
                              "campaigns", "policy_decisions", "domain_incidents", "bounce_count", "SELECT ON `verpmail`.`admin_audit`"})
        for (const std::string& g : grants)
            EXPECT_EQ(g.find(never), std::string::npos) << never << " in " << g;
}

TEST(WebAccount, IsARoleOfItsOwn)
{
    EXPECT_STREQ(roleName(AccountRole::Web), "web");
    EXPECT_EQ(defaultAccountUser(AccountRole::Web), "verpmail_web");
    EXPECT_NE(std::find(std::begin(kAccountRoles), std::end(kAccountRoles), AccountRole::Web), std::end(kAccountRoles));
    EXPECT_EQ(std::size(kAccountRoles), 4u);
    const std::vector<std::string> s =
        accountStatements({AccountRole::Web, "verpmail_web", "localhost"}, "verpmail", nativePasswordHash("pw"));
    ASSERT_EQ(s.size(), 6u);
    EXPECT_EQ(s[2], "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'verpmail_web'@'localhost'");
    EXPECT_EQ(s[3], "GRANT SELECT, UPDATE (active, inactive_reason) ON `verpmail`.`members` TO 'verpmail_web'@'localhost'");
}

} // namespace
} // namespace verpmail
