// ReturnRecorder::columnsFor: what each column of a return becomes, at each
// degradation level, without a database.
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/util/Utf8mb4.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail {
namespace {

ReturnEntry poison()
{
    ReturnEntry e;
    e.email = "member@example.org";
    e.envelopeRecipient = "sentto-abc\xFF@bounces.example.org";
    e.result.bounceClass = BounceClass::Hard;
    e.result.reason = "mailbox\xC0\x80unknown";
    e.result.status = std::string(5000, '5');
    e.result.diagnostic = "550 \xE0\x80\x80 no such user\r\n\x1b[31m" + std::string(3000, 'x');
    e.campaign = "spring\xE9";
    e.rawMessage = std::string(200000, 'r');
    return e;
}

TEST(ReturnColumns, TextIsCleanedAndBoundedAndABadCampaignIsDropped)
{
    const ReturnRecorder::Columns c = ReturnRecorder::columnsFor(poison(), 65536, Degradation::None);
    EXPECT_EQ(c.reason, "mailbox" + std::string(kReplacementCharacter) + std::string(kReplacementCharacter) + "unknown");
    EXPECT_EQ(c.status, std::string(16, '5'));
    EXPECT_EQ(toUtf8mb4(c.diagnostic), c.diagnostic);
    EXPECT_LE(c.diagnostic.size(), 1000u);
    EXPECT_EQ(c.diagnostic.find('\x1b'), std::string::npos);
    EXPECT_EQ(c.diagnostic.find('\r'), std::string::npos);
    EXPECT_EQ(c.diagnostic.rfind("550 ", 0), 0u);
    EXPECT_EQ(toUtf8mb4(c.envelopeRecipient), c.envelopeRecipient);
    EXPECT_FALSE(c.campaign.has_value());
    ASSERT_TRUE(c.raw.has_value());
    EXPECT_EQ(c.raw->size(), 200000u);  // attributed: the whole (already bounded) message
}

TEST(ReturnColumns, AValidCampaignIsKept)
{
    ReturnEntry e = poison();
    e.campaign = "spring-2026";
    EXPECT_EQ(ReturnRecorder::columnsFor(e, 65536, Degradation::None).campaign, std::optional<std::string>("spring-2026"));
    e.campaign = "";
    EXPECT_FALSE(ReturnRecorder::columnsFor(e, 65536, Degradation::None).campaign.has_value());
}

TEST(ReturnColumns, UnattributedRawMessageIsCapped)
{
    ReturnEntry e = poison();
    e.email.reset();
    EXPECT_EQ(ReturnRecorder::columnsFor(e, 65536, Degradation::None).raw->size(), 65536u);
    EXPECT_EQ(ReturnRecorder::columnsFor(e, 10, Degradation::None).raw, std::optional<std::string>("rrrrrrrrrr"));
    e.rawMessage = "short";
    EXPECT_EQ(ReturnRecorder::columnsFor(e, 65536, Degradation::None).raw, std::optional<std::string>("short"));
}

TEST(ReturnColumns, DegradedLevelsEmptyTheTextThenTheRawMessage)
{
    ReturnEntry e = poison();
    e.campaign = "spring-2026";
    const ReturnRecorder::Columns text = ReturnRecorder::columnsFor(e, 65536, Degradation::TextEmptied);
    EXPECT_EQ(text.reason, "");
    EXPECT_EQ(text.status, "");
    EXPECT_EQ(text.diagnostic, "");
    EXPECT_EQ(text.envelopeRecipient, "");
    EXPECT_FALSE(text.campaign.has_value());
    EXPECT_TRUE(text.raw.has_value());
    const ReturnRecorder::Columns raw = ReturnRecorder::columnsFor(e, 65536, Degradation::RawEmptied);
    EXPECT_EQ(raw.diagnostic, "");
    EXPECT_FALSE(raw.raw.has_value());
    EXPECT_STREQ(degradationName(Degradation::None), "no");
    EXPECT_STREQ(degradationName(Degradation::RawEmptied), "text,raw");
}

} // namespace
} // namespace verpmail
