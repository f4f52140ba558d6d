#include "verpmail/mail/CampaignId.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail {
namespace {

TEST(CampaignId, TheSendersRule)
{
    EXPECT_TRUE(validCampaignId("spring-2026"));
    EXPECT_TRUE(validCampaignId("news.2026_05-a"));
    EXPECT_TRUE(validCampaignId("x"));
    EXPECT_TRUE(validCampaignId(std::string(64, 'a')));
    EXPECT_FALSE(validCampaignId(std::string(65, 'a')));
    EXPECT_FALSE(validCampaignId(""));
    EXPECT_FALSE(validCampaignId("two words"));
    EXPECT_FALSE(validCampaignId("semi;colon"));
    EXPECT_FALSE(validCampaignId("quote'"));
    EXPECT_FALSE(validCampaignId("spring\xE9"));      // Latin-1 e-acute
    EXPECT_FALSE(validCampaignId("caf\xC3\xA9"));     // UTF-8 e-acute: not ASCII either
    EXPECT_FALSE(validCampaignId(std::string("a\0b", 3)));
    for (int b = 0x80; b <= 0xFF; ++b)
        EXPECT_FALSE(validCampaignId(std::string("id") + static_cast<char>(b))) << b;
}

} // namespace
} // namespace verpmail
