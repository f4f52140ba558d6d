// Policy: each default rule fires exactly at its threshold and not before; the
// quarantine, its release and the re-suppression; IgnoreBounces; resets; streaks;
// configured rules. Times are fixed strings: no clock.
#include "verpmail/policy/Policy.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

const std::string kNow = "2026-11-22 12:00:00";

BounceFact fact(const char* at, BounceClass cls, const char* reason = "")
{
    return {at, cls, reason, ""};
}

std::vector<BounceFact> softs(int n, const char* day = "2026-11-2")
{
    std::vector<BounceFact> out;
    for (int i = 0; i < n; ++i)
        out.push_back(fact((std::string(day) + std::to_string(i % 2) + " 10:00:0" + std::to_string(i)).c_str(),
                           BounceClass::Soft, "mailboxfull"));
    return out;
}

TEST(Policy, DefaultRulesFireExactlyAtTheirThresholds)
{
    const PolicySettings p;
    struct Row
    {
        const char* name;
        std::vector<BounceFact> facts;
        Verdict want;
        const char* wantReason;
        PolicyState wantState;
    };
    const Row rows[] = {
        {"clean", {}, Verdict::Send, "", PolicyState::Active},
        {"one hard bounce", {fact("2026-01-01 00:00:00", BounceClass::Hard, "userunknown")}, Verdict::Suppress,
         "hard-bounce", PolicyState::Suppressed},
        {"two soft", softs(2), Verdict::Send, "", PolicyState::Active},
        {"three soft in 30 days", softs(3), Verdict::Suppress, "quarantined", PolicyState::Quarantined},
        {"three soft, one outside 30 days",
         {fact("2026-11-20 00:00:00", BounceClass::Soft), fact("2026-11-21 00:00:00", BounceClass::Soft),
          fact("2026-10-01 00:00:00", BounceClass::Soft)},
         Verdict::Send, "", PolicyState::Active},
        {"one complaint", {fact("2025-01-01 00:00:00", BounceClass::Complaint, "feedback")}, Verdict::Suppress,
         "complaint", PolicyState::Suppressed},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.name);
        const PolicyDecision got = evaluate(p, AddressState{}, row.facts, kNow);
        EXPECT_EQ(got.verdict, row.want);
        EXPECT_EQ(got.reason, row.wantReason);
        EXPECT_EQ(got.state, row.wantState);
        EXPECT_FALSE(got.explanation.empty());
        if (row.want == Verdict::Suppress) {
            EXPECT_TRUE(got.changed);
            EXPECT_FALSE(got.evidence.empty());
            EXPECT_FALSE(got.release.empty());
        }
    }
}

TEST(Policy, ComplaintUnsubscribes)
{
    const PolicyDecision got = evaluate(PolicySettings{}, {}, {fact("2026-11-01 00:00:00", BounceClass::Complaint)}, kNow);
    EXPECT_EQ(got.action, "unsubscribe");
    EXPECT_EQ(got.rule, "complaint: class complaint >= 1 since the last reset -> unsubscribe");
}

TEST(Policy, QuarantineThenReleaseThenResuppress)
{
    const PolicySettings p;  // quarantine 7 days
    const PolicyDecision q = evaluate(p, {}, softs(3), kNow);
    ASSERT_EQ(q.state, PolicyState::Quarantined);
    ASSERT_TRUE(q.quarantineUntil);
    EXPECT_EQ(*q.quarantineUntil, "2026-11-29 12:00:00");
    EXPECT_EQ(q.quarantineCount, 1u);

    AddressState stored;
    stored.state = PolicyState::Quarantined;
    stored.quarantineUntil = q.quarantineUntil;
    stored.quarantineCount = 1;
    stored.decisionRule = q.rule;

    // During the quarantine: not mailed, nothing changes.
    const PolicyDecision during = evaluate(p, stored, softs(3), "2026-11-25 00:00:00");
    EXPECT_EQ(during.verdict, Verdict::Suppress);
    EXPECT_EQ(during.reason, "quarantined");
    EXPECT_FALSE(during.changed);

    // After it: released for one retry; the old soft bounces do not quarantine again.
    const PolicyDecision after = evaluate(p, stored, softs(3), "2026-11-30 00:00:00");
    EXPECT_EQ(after.verdict, Verdict::Send);
    EXPECT_EQ(after.action, "release");
    EXPECT_EQ(after.state, PolicyState::Active);

    // One more soft bounce after the quarantine: suppressed.
    stored.state = PolicyState::Active;
    std::vector<BounceFact> facts = softs(3);
    facts.push_back(fact("2026-11-30 08:00:00", BounceClass::Soft, "mailboxfull"));
    const PolicyDecision again = evaluate(p, stored, facts, "2026-12-01 00:00:00");
    EXPECT_EQ(again.verdict, Verdict::Suppress);
    EXPECT_EQ(again.state, PolicyState::Suppressed);
    EXPECT_EQ(again.rule, "soft bounce after quarantine -> suppress");
    ASSERT_EQ(again.evidence.size(), 1u);
    EXPECT_EQ(again.evidence[0].at, "2026-11-30 08:00:00");
}

TEST(Policy, IgnoreBouncesOverridesEverything)
{
    AddressState s;
    s.ignoreBounces = true;
    s.state = PolicyState::Suppressed;
    const PolicyDecision got = evaluate(PolicySettings{}, s, {fact("2026-11-01 00:00:00", BounceClass::Hard)}, kNow);
    EXPECT_EQ(got.verdict, Verdict::Send);
    EXPECT_TRUE(got.changed);
    EXPECT_EQ(got.state, PolicyState::Active);
}

TEST(Policy, SuppressionIsStickyUntilReset)
{
    AddressState s;
    s.state = PolicyState::Suppressed;
    s.decisionRule = "hard: class hard >= 1 since the last reset -> suppress";
    EXPECT_EQ(evaluate(PolicySettings{}, s, {}, kNow).verdict, Verdict::Suppress);

    // After a reset (state active, counts from the reset) old returns do not count.
    AddressState reset;
    reset.countsResetAt = "2026-11-10 00:00:00";
    EXPECT_EQ(evaluate(PolicySettings{}, reset, {fact("2026-11-01 00:00:00", BounceClass::Hard)}, kNow).verdict,
              Verdict::Send);
}

TEST(Policy, DeliveryStreakStartsTheSoftCountAfresh)
{
    AddressState s;
    s.softCountsFrom = "2026-11-21 00:00:00";
    // Two soft bounces before the streak ended, one after: below the threshold.
    const std::vector<BounceFact> facts = {fact("2026-11-20 00:00:00", BounceClass::Soft),
                                           fact("2026-11-20 01:00:00", BounceClass::Soft),
                                           fact("2026-11-21 01:00:00", BounceClass::Soft)};
    EXPECT_EQ(evaluate(PolicySettings{}, s, facts, kNow).verdict, Verdict::Send);
    EXPECT_EQ(evaluate(PolicySettings{}, AddressState{}, facts, kNow).verdict, Verdict::Suppress);
}

TEST(Policy, ConfiguredRulePerReason)
{
    PolicySettings p;
    p.rules.insert(p.rules.begin(), PolicyRule{"full", BounceClass::Soft, "mailboxfull", 2, 10, PolicyAction::Suppress});
    const PolicyDecision got = evaluate(p, {}, softs(2), kNow);
    EXPECT_EQ(got.state, PolicyState::Suppressed);
    EXPECT_EQ(got.rule, "full: class soft reason mailboxfull >= 2 within 10 days -> suppress");
    // Another reason is not matched by it.
    EXPECT_EQ(evaluate(p, {}, {fact("2026-11-21 00:00:00", BounceClass::Soft, "expired"),
                               fact("2026-11-21 01:00:00", BounceClass::Soft, "expired")},
                       kNow)
                  .verdict,
              Verdict::Send);
}

TEST(Policy, ShiftsUtcTimes)
{
    EXPECT_EQ(shiftUtc("2026-12-31 23:00:00", 7200), "2027-01-01 01:00:00");
    EXPECT_EQ(shiftUtc("2026-03-01 00:00:00", -86400), "2026-02-28 00:00:00");
}

} // namespace
} // namespace verpmail
