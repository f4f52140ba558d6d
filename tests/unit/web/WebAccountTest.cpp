// The web role of `verpmail-admin db accounts`: verpmail-web answers the Internet, so
// its account may do what an opt-out and recording an SES return need, nothing else.
#include "verpmail/db/Accounts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

namespace verpmail {
namespace {

TEST(WebAccount, ExactlyTheGrantsOfAnOptOutRecordingReturnsAndTheApi)
{
    const std::vector<std::string> want = {
        "GRANT SELECT, INSERT, UPDATE (BounceCount, FirstBounce, SentSinceBounce, LastBounce, LastBounce2,"
        " LastBounce3, HardBounceCount, SoftBounceCount, BlockCount, ComplaintCount, LastBounceClass,"
        " CountsResetAt, SoftCountsFrom, PolicyState, QuarantineUntil, QuarantineCount, SuppressedAt,"
        " SuppressedReason, DecisionRule, DecidedAt, IgnoreBounces) ON `verpmail`.`EmailAddressTracker`",
        "GRANT SELECT, INSERT, UPDATE (incident_id) ON `verpmail`.`bounce_logs`",
        "GRANT SELECT, INSERT, UPDATE (last_seen, returns, members) ON `verpmail`.`domain_incidents`",
        "GRANT SELECT, UPDATE (bounce_count, last_bounce_at, bounce_status, active, inactive_reason) ON "
        "`verpmail`.`members`",
        "GRANT SELECT (id, name, from_address) ON `verpmail`.`lists`",
        "GRANT INSERT (at, actor, action, target, detail) ON `verpmail`.`admin_audit`",
        "GRANT SELECT (id, list_id, message_file, started_at, finished_at) ON `verpmail`.`campaigns`",
        "GRANT SELECT (campaign_id, email, domain, status, updated_at) ON `verpmail`.`send_log`",
        "GRANT SELECT ON `verpmail`.`counted_returns`",
        "GRANT EXECUTE ON PROCEDURE `verpmail`.`count_return`",
        "GRANT SELECT (id, name, role, token_sha256, created_at, created_by, revoked_at),"
        " INSERT (name, role, token_sha256, created_at, created_by), UPDATE (revoked_at) ON `verpmail`.`api_tokens`",
        "GRANT SELECT, INSERT (email, state, action, rule, evidence, actor, decided_at) ON "
        "`verpmail`.`policy_decisions`",
        "GRANT SELECT ON `verpmail`.`counted_sends`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_day_campaign`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_day_domain`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_month_domain`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_campaign_domain`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_day_reason`",
        "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`counts_campaign_reason`",
    };
    EXPECT_EQ(roleGrants(AccountRole::Web, "verpmail"), want);
}

TEST(WebAccount, RecordsReturnsWithNoMoreThanTheBouncer)
{
    // The webhook records with the bouncer's ReturnRecorder: every grant of the web
    // role is one of the bouncer's, but for the bouncer's schema_version read and the
    // API's (the lists' sender address, the tokens, an operator's reset and ignore,
    // the reports' campaigns and sends).
    const std::vector<std::string> bouncer = roleGrants(AccountRole::Bouncer, "verpmail");
    for (const std::string& g : roleGrants(AccountRole::Web, "verpmail")) {
        if (g.find("`api_tokens`") != std::string::npos || g.find("`lists`") != std::string::npos ||
            g.find("`policy_decisions`") != std::string::npos || g.find("`EmailAddressTracker`") != std::string::npos ||
            g.find("`campaigns`") != std::string::npos || g.find("`counted_sends`") != std::string::npos)
            continue;
        EXPECT_NE(std::find(bouncer.begin(), bouncer.end(), g), bouncer.end()) << g << " is not the bouncer's";
    }
}

TEST(WebAccount, NothingOnTheQueueOrReadingTheAuditAndDecisionsOnlyAppended)
{
    const std::vector<std::string> grants = roleGrants(AccountRole::Web, "verpmail");
    for (const std::string& g : grants) {
        if (g.find("policy_decisions") != std::string::npos) {
            EXPECT_EQ(g, "GRANT SELECT, INSERT (email, state, action, rule, evidence, actor, decided_at) ON "
                         "`verpmail`.`policy_decisions`");
        }
    }
    for (const char* never : {"ALL", "DELETE", "send_claimers", "send_slices", "schema_version",
                              "SELECT ON `verpmail`.`admin_audit`", "SELECT, INSERT, UPDATE ON `verpmail`.`send_log`",
                              "UPDATE ON `verpmail`.`campaigns`", "UPDATE ON `verpmail`.`api_tokens`"})
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
    ASSERT_EQ(s.size(), 3u + roleGrants(AccountRole::Web, "verpmail").size());
    EXPECT_EQ(s[2], "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'verpmail_web'@'localhost'");
    EXPECT_EQ(s[6], "GRANT SELECT, UPDATE (bounce_count, last_bounce_at, bounce_status, active, inactive_reason) ON "
                    "`verpmail`.`members` TO 'verpmail_web'@'localhost'");
}

} // namespace
} // namespace verpmail
