#include "verpmail/report/ReportWindow.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

// 2026-03-10 15:30:00 UTC
constexpr std::time_t kNow = 1773156600;

TEST(ReportWindowTest, DaysCountBackToTheSecond)
{
    const auto w = parseWindow("30d", kNow);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->since, "2026-02-08 15:30:00");
    EXPECT_EQ(w->sinceDay, "2026-02-08");
    EXPECT_EQ(w->until, "2026-03-10 15:30:00");
    EXPECT_EQ(w->text, "30d");
}

TEST(ReportWindowTest, Hours)
{
    const auto w = parseWindow("36h", kNow);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->since, "2026-03-09 03:30:00");
    EXPECT_EQ(w->sinceDay, "2026-03-09");
}

TEST(ReportWindowTest, ADateStartsAtItsMidnight)
{
    const auto w = parseWindow("2026-02-28", kNow);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->since, "2026-02-28 00:00:00");
    EXPECT_EQ(w->sinceDay, "2026-02-28");
    EXPECT_TRUE(parseWindow("2024-02-29", kNow));  // a leap day
}

TEST(ReportWindowTest, RejectsEverythingElse)
{
    for (const char* bad : {"", "d", "0d", "-5d", "30", "30m", "30 d", "1.5d", "99999999d", "2026-02-30", "2025-02-29",
                            "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01x", "yesterday", "1969-12-31"})
        EXPECT_FALSE(parseWindow(bad, kNow)) << bad;
}

TEST(ReportWindowTest, ALongWindowIsAllowed)
{
    const auto w = parseWindow("3650d", kNow);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->sinceDay, "2016-03-12");
}

} // namespace
} // namespace verpmail
