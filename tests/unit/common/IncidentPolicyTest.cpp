// The policy's incident and membership rules, pure: which reasons are about one
// mailbox, when the evidence at a domain opens an incident, the soft rule's threshold
// (members.bounce_status), which decisions take members out of their lists, and the
// policy.incident.* keys.
#include "verpmail/bounce/ClassifierRules.h"
#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/policy/Policy.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace verpmail {
namespace {

const std::string kNow = "2026-11-22 12:00:00";

BounceFact fact(const char* at, BounceClass cls, const char* reason = "")
{
    return {at, cls, reason, ""};
}

TEST(IncidentPolicy, ReasonsAboutOneMailboxNeverMakeAnIncident)
{
    for (const char* reason : {"mailboxfull", "exceedlimit", "userunknown", "hasmoved", "suspend", "filtered"})
        EXPECT_TRUE(isPerMailboxReason(reason)) << reason;
    for (const char* reason : {"systemerror", "systemfull", "networkerror", "expired", "toomanyconn", "speeding",
                               "blocked", "spamdetected", "policyviolation", "onhold", "undefined", ""})
        EXPECT_FALSE(isPerMailboxReason(reason)) << reason;
    // A refusal of the sender or the content is the provider's, never one mailbox's.
    for (const std::string_view reason : bounce::blockReasons())
        EXPECT_FALSE(isPerMailboxReason(reason)) << reason;
    // The dead-address reasons that name a mailbox are in the table.
    for (const char* reason : {"userunknown", "hasmoved", "suppressed"})
        EXPECT_NE(std::find(bounce::hardReasons().begin(), bounce::hardReasons().end(), reason),
                  bounce::hardReasons().end());
}

TEST(IncidentPolicy, OpensOnlyWithTheFloorTheShareAndTheHosts)
{
    const IncidentSettings s;  // 10 members, share 0.2, 2 hosts
    struct Row
    {
        const char* name;
        IncidentEvidence evidence;  // members, hosts, mailed
        bool opens;
    };
    const Row rows[] = {
        {"10 of 50 from 2 hosts: exactly the share", {10, 2, 50}, true},
        {"10 of 51: under the share", {10, 2, 51}, false},
        {"9 of 20: under the floor", {9, 2, 20}, false},
        {"10 of 10 from 1 host", {10, 1, 10}, false},
        {"40 of 100 from 3 hosts", {40, 3, 100}, true},
        {"ten members at a provider that mailed 10,000", {10, 5, 10000}, false},
        {"nobody mailed in the window: no share to judge", {25, 4, 0}, false},
        {"more failing than mailed (older mail among them)", {12, 2, 10}, true},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(opensIncident(s, row.evidence), row.opens);
    }
    EXPECT_EQ(mostMailedForShare(s, 10), 50u);
    EXPECT_EQ(mostMailedForShare(s, 11), 55u);
    IncidentSettings third;
    third.share = 0.3;
    EXPECT_EQ(mostMailedForShare(third, 10), 33u);  // 10 of 33 is over 0.3, of 34 under
    EXPECT_TRUE(opensIncident(third, {10, 2, 33}));
    EXPECT_FALSE(opensIncident(third, {10, 2, 34}));
    IncidentSettings anyShare;
    anyShare.share = 0;
    anyShare.reportingHosts = 1;
    EXPECT_TRUE(opensIncident(anyShare, {10, 1, 100000}));
    EXPECT_EQ(mostMailedForShare(anyShare, 10), UINT64_MAX);
}

TEST(IncidentPolicy, TheSoftRuleIsReachedAtItsThresholdAsTheSenderCounts)
{
    PolicySettings p;
    const PolicyRule* soft = softRule(p);
    ASSERT_NE(soft, nullptr);
    EXPECT_EQ(soft->name, "soft");
    std::vector<BounceFact> facts = {fact("2026-11-20 10:00:00", BounceClass::Soft, "mailboxfull"),
                                     fact("2026-11-21 10:00:00", BounceClass::Soft, "mailboxfull"),
                                     fact("2026-11-21 11:00:00", BounceClass::Hard, "userunknown")};
    EXPECT_FALSE(thresholdReached(*soft, AddressState{}, facts, kNow));  // 2 soft: the first ones never do
    facts.push_back(fact("2026-11-22 10:00:00", BounceClass::Soft, "expired"));
    EXPECT_TRUE(thresholdReached(*soft, AddressState{}, facts, kNow));
    // The same window, reset and delivery streak as evaluate().
    AddressState reset;
    reset.countsResetAt = "2026-11-21 00:00:00";
    EXPECT_FALSE(thresholdReached(*soft, reset, facts, kNow));
    AddressState streak;
    streak.softCountsFrom = "2026-11-21 00:00:00";
    EXPECT_FALSE(thresholdReached(*soft, streak, facts, kNow));
    EXPECT_FALSE(thresholdReached(*soft, AddressState{}, facts, "2026-12-21 10:00:01"));  // 30-day window

    p.rules = {{"gone", BounceClass::Hard, "", 1, 0, PolicyAction::Suppress},
               {"full", BounceClass::Soft, "mailboxfull", 2, 10, PolicyAction::Quarantine}};
    ASSERT_NE(softRule(p), nullptr);
    EXPECT_EQ(softRule(p)->name, "full");
    p.rules.pop_back();
    EXPECT_EQ(softRule(p), nullptr);
}

TEST(IncidentPolicy, HardAndComplaintSuppressionsDeactivateMembersOthersDoNot)
{
    const PolicySettings p;
    const auto decide = [&](const std::vector<BounceFact>& facts, AddressState state = {}) {
        return evaluate(p, state, facts, kNow);
    };
    EXPECT_TRUE(deactivatesMembers(decide({fact("2026-11-21 00:00:00", BounceClass::Hard, "userunknown")})));
    EXPECT_TRUE(deactivatesMembers(decide({fact("2026-11-21 00:00:00", BounceClass::Complaint, "feedback")})));
    const std::vector<BounceFact> threeSoft = {fact("2026-11-20 00:00:00", BounceClass::Soft),
                                               fact("2026-11-21 00:00:00", BounceClass::Soft),
                                               fact("2026-11-21 01:00:00", BounceClass::Soft)};
    EXPECT_FALSE(deactivatesMembers(decide(threeSoft)));  // a quarantine
    // A soft bounce after the quarantine suppresses, but not for a hard bounce.
    AddressState served;
    served.quarantineCount = 1;
    served.quarantineUntil = "2026-11-20 12:00:00";
    const PolicyDecision again = decide(threeSoft, served);
    EXPECT_EQ(again.state, PolicyState::Suppressed);
    EXPECT_FALSE(deactivatesMembers(again));
    // Already suppressed: nothing changes, nothing to do.
    AddressState suppressed;
    suppressed.state = PolicyState::Suppressed;
    EXPECT_FALSE(deactivatesMembers(decide({fact("2026-11-21 00:00:00", BounceClass::Hard)}, suppressed)));
}

TEST(IncidentPolicy, KeysAndTheirBounds)
{
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            config->setString(key->name, key->defaultValue);
    const IncidentSettings defaults = policySettingsFrom(*config).incident;
    EXPECT_EQ(defaults.members, 10u);
    EXPECT_DOUBLE_EQ(defaults.share, 0.2);
    EXPECT_EQ(defaults.reportingHosts, 2u);
    EXPECT_EQ(defaults.maxPauseMinutes, 240u);

    config->setString("policy.incident.share", " 0.35 ");
    config->setString("policy.incident.reportingHosts", "3");
    config->setString("policy.incident.maxPauseMinutes", "0");
    const IncidentSettings set = policySettingsFrom(*config).incident;
    EXPECT_DOUBLE_EQ(set.share, 0.35);
    EXPECT_EQ(set.reportingHosts, 3u);
    EXPECT_EQ(set.maxPauseMinutes, 0u);
    for (const char* bad : {"1.5", "-0.1", "a fifth", ""}) {
        config->setString("policy.incident.share", bad);
        EXPECT_THROW(policySettingsFrom(*config), ConfigError) << bad;
    }
    config->setString("policy.incident.share", "0.2");
    config->setString("policy.incident.reportingHosts", "0");
    EXPECT_THROW(policySettingsFrom(*config), ConfigError);
}

} // namespace
} // namespace verpmail
