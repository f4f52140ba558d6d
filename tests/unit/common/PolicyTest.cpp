// Policy: each default rule fires exactly at its threshold and not before.
#include "verpmail/policy/Policy.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

struct Row
{
    const char* name;
    AddressHistory history;
    Verdict want;
    const char* wantReason;
};

TEST(Policy, DefaultRules)
{
    const PolicySettings defaults;
    const Row rows[] = {
        {"clean", {}, Verdict::Send, ""},
        {"one hard bounce", {false, 1, 0, 0, 0}, Verdict::Suppress, "hard-bounce"},
        {"two soft", {false, 0, 2, 0, 0}, Verdict::Send, ""},
        {"three soft", {false, 0, 3, 0, 0}, Verdict::Suppress, "soft-bounce"},
        {"one complaint", {false, 0, 0, 1, 0}, Verdict::Suppress, "complaint"},
        {"many blocks never count", {false, 0, 0, 0, 50}, Verdict::Send, ""},
        {"IgnoreBounces overrides hard", {true, 5, 9, 0, 0}, Verdict::Send, ""},
        {"IgnoreBounces overrides complaint", {true, 0, 0, 3, 0}, Verdict::Send, ""},
        {"complaint outranks hard", {false, 1, 0, 1, 0}, Verdict::Suppress, "complaint"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.name);
        const PolicyDecision got = decide(defaults, row.history);
        EXPECT_EQ(got.verdict, row.want);
        EXPECT_EQ(got.reason, row.wantReason);
        EXPECT_FALSE(got.explanation.empty());
    }
}

TEST(Policy, ThresholdsAreConfigurable)
{
    PolicySettings p;
    p.hardThreshold = 2;
    p.softThreshold = 5;
    EXPECT_EQ(decide(p, {false, 1, 4, 0, 0}).verdict, Verdict::Send);
    EXPECT_EQ(decide(p, {false, 2, 0, 0, 0}).reason, "hard-bounce");
    EXPECT_EQ(decide(p, {false, 0, 5, 0, 0}).reason, "soft-bounce");
    EXPECT_EQ(decide(p, {false, 0, 5, 0, 0}).rule, "policy.soft.threshold = 5 within policy.soft.windowDays = 30");
}

TEST(Policy, ExplainsBlocksAreNotCounted)
{
    const PolicyDecision got = decide(PolicySettings{}, {false, 0, 1, 0, 2});
    EXPECT_NE(got.explanation.find("2 blocks not counted"), std::string::npos) << got.explanation;
}

} // namespace
} // namespace verpmail
