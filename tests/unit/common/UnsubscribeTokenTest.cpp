// UnsubscribeToken: expected tokens computed independently with Python's hmac module
// (key = HMAC(file key, "verpmail unsubscribe token v1"); mac = base32 of
// HMAC(key, "<list>\0<member>\0<address>"), 26 characters); parse() as a table.
#include "verpmail/mail/UnsubscribeToken.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace verpmail {
namespace {

const std::string kFileKey = "0123456789abcdef0123456789abcdef";

TEST(UnsubscribeToken, MatchesAnIndependentHmac)
{
    const UnsubscribeTokens tokens(kFileKey);
    EXPECT_EQ(tokens.make(4711, 3, "a@example.org"), "4711-xvnx32u26if4dg652w2b3463ys");
    EXPECT_EQ(tokens.make(4711, 4, "a@example.org"), "4711-jctvud5woehqqtjfh3aqmzvffy");
}

TEST(UnsubscribeToken, VerifiesOnlyTheMembershipItWasMadeFor)
{
    const UnsubscribeTokens tokens(kFileKey);
    const auto parsed = UnsubscribeTokens::parse(tokens.make(4711, 3, "a@example.org"));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->memberId, 4711u);
    EXPECT_TRUE(tokens.verify(*parsed, 3, "a@example.org"));
    EXPECT_FALSE(tokens.verify(*parsed, 4, "a@example.org"));   // another list
    EXPECT_FALSE(tokens.verify(*parsed, 3, "b@example.org"));   // another address
    ParsedUnsubscribeToken otherId = *parsed;
    otherId.memberId = 4712;                                    // another membership
    EXPECT_FALSE(tokens.verify(otherId, 3, "a@example.org"));
    EXPECT_FALSE(UnsubscribeTokens(std::string(32, 'k')).verify(*parsed, 3, "a@example.org"));  // another key
}

TEST(UnsubscribeToken, UpperCaseIsFolded)
{
    const UnsubscribeTokens tokens(kFileKey);
    const auto parsed = UnsubscribeTokens::parse("4711-XVNX32U26IF4DG652W2B3463YS");
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(tokens.verify(*parsed, 3, "a@example.org"));
}

TEST(UnsubscribeToken, ParseRefusesWhatIsNotAToken)
{
    const std::string mac(26, 'a');
    const struct
    {
        std::string text;
        const char* why;
    } rows[] = {
        {"", "empty"},
        {"-" + mac, "no id"},
        {"12" + mac, "no dash"},
        {"0-" + mac, "a leading zero"},
        {"012-" + mac, "a leading zero"},
        {"12-" + mac.substr(1), "a short mac"},
        {"12-" + mac + "a", "a long mac"},
        {"12-" + mac.substr(1) + "1", "1 is not base32"},
        {"12-" + mac.substr(1) + "=", "padding"},
        {"1a-" + mac, "a letter in the id"},
        {"18446744073709551616-" + mac, "an id beyond 64 bits"},
        {"99999999999999999999-" + mac, "an id beyond 64 bits"},
        {"123456789012345678901-" + mac, "too long"},
        {std::string(100000, '1'), "very long"},
        {"12-" + mac.substr(1) + '\0', "a NUL"},
    };
    for (const auto& row : rows)
        EXPECT_FALSE(UnsubscribeTokens::parse(row.text)) << row.why << ": " << row.text.substr(0, 60);
    const auto max = UnsubscribeTokens::parse("18446744073709551615-" + mac);
    ASSERT_TRUE(max);
    EXPECT_EQ(max->memberId, 18446744073709551615u);
}

TEST(UnsubscribeToken, RefusesAShortKey)
{
    EXPECT_THROW(UnsubscribeTokens("short"), std::invalid_argument);
    EXPECT_NO_THROW(UnsubscribeTokens(std::string(16, 'k')));
}

} // namespace
} // namespace verpmail
