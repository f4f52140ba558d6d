// TokenBuckets: the per-client rate limit of verpmail-web's public endpoints, on a
// clock the tests move by hand.
#include "TokenBuckets.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace verpmail::web {
namespace {

using Clock = TokenBuckets::Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);

struct Step
{
    long atMs;           ///< since kStart
    const char* client;
    bool allowed;
    unsigned retryAfter;  ///< when refused
};

struct Case
{
    const char* name;
    unsigned perMinute;
    std::vector<Step> steps;
};

TEST(WebTokenBuckets, TableOfRequestSequences)
{
    const std::vector<Case> cases = {
        {"a burst of a minute's worth, then refused until a token refills",
         3,
         {{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, 20}, {19999, "a", false, 1},
          {20000, "a", true, 0}, {20000, "a", false, 20}}},
        {"clients do not share a bucket",
         1,
         {{0, "a", true, 0}, {0, "a", false, 60}, {0, "b", true, 0}, {1000, "b", false, 59}}},
        {"a full minute refills the whole burst, never more",
         2,
         {{0, "a", true, 0}, {0, "a", true, 0}, {600000, "a", true, 0}, {600000, "a", true, 0},
          {600000, "a", false, 30}}},
        {"refused requests take nothing",
         60,
         {{0, "a", true, 0}}},
        {"0 is no limit",
         0,
         {{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}}},
        {"retry-after rounds up to whole seconds, at least 1",
         7,
         {{0, "c", true, 0}, {0, "c", true, 0}, {0, "c", true, 0}, {0, "c", true, 0}, {0, "c", true, 0},
          {0, "c", true, 0}, {0, "c", true, 0}, {0, "c", false, 9}, {8571, "c", false, 1}, {8572, "c", true, 0}}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        TokenBuckets limits(c.perMinute);
        for (std::size_t i = 0; i < c.steps.size(); ++i) {
            const Step& s = c.steps[i];
            const TokenBuckets::Decision got = limits.take(s.client, kStart + milliseconds(s.atMs));
            EXPECT_EQ(got.allowed, s.allowed) << "step " << i;
            if (!s.allowed) {
                EXPECT_EQ(got.retryAfterSeconds, s.retryAfter) << "step " << i;
            }
        }
    }
}

TEST(WebTokenBuckets, RefusedRequestsDoNotDrainTheBucketFurther)
{
    TokenBuckets limits(1);
    EXPECT_TRUE(limits.take("a", kStart).allowed);
    for (int i = 0; i < 100; ++i)
        EXPECT_FALSE(limits.take("a", kStart + seconds(1)).allowed);
    // One token a minute after the first take, however often it was refused between.
    EXPECT_TRUE(limits.take("a", kStart + seconds(60)).allowed);
}

TEST(WebTokenBuckets, TheMapIsBoundedAndDropsIdleBucketsFirst)
{
    TokenBuckets limits(1, 3);
    EXPECT_TRUE(limits.take("old", kStart).allowed);
    EXPECT_TRUE(limits.take("b", kStart + seconds(100)).allowed);
    EXPECT_TRUE(limits.take("c", kStart + seconds(100)).allowed);
    EXPECT_EQ(limits.size(), 3u);
    // "old" has been idle long enough to be full again: it goes, the busy ones stay.
    EXPECT_TRUE(limits.take("d", kStart + seconds(101)).allowed);
    EXPECT_EQ(limits.size(), 3u);
    EXPECT_FALSE(limits.take("b", kStart + seconds(101)).allowed) << "b kept its empty bucket";
    EXPECT_FALSE(limits.take("c", kStart + seconds(101)).allowed) << "c kept its empty bucket";
}

TEST(WebTokenBuckets, WhenAllAreBusyTheLeastRecentlySeenGoes)
{
    TokenBuckets limits(1, 2);
    EXPECT_TRUE(limits.take("a", kStart).allowed);
    EXPECT_TRUE(limits.take("b", kStart + seconds(1)).allowed);
    EXPECT_FALSE(limits.take("a", kStart + seconds(2)).allowed);  // a is now the most recent
    EXPECT_TRUE(limits.take("c", kStart + seconds(3)).allowed);   // b goes
    EXPECT_EQ(limits.size(), 2u);
    EXPECT_FALSE(limits.take("a", kStart + seconds(4)).allowed) << "a's bucket was kept";
    EXPECT_TRUE(limits.take("b", kStart + seconds(5)).allowed) << "b starts again with a full bucket";
}

TEST(WebTokenBuckets, ManyClientsNeverGrowTheMapBeyondItsBound)
{
    TokenBuckets limits(5, 100);
    for (int i = 0; i < 10000; ++i)
        limits.take("client" + std::to_string(i), kStart + milliseconds(i));
    EXPECT_EQ(limits.size(), 100u);
}

} // namespace
} // namespace verpmail::web
