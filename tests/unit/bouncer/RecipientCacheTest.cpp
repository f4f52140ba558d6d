#include "RecipientCache.h"

#include <gtest/gtest.h>

#include <thread>

namespace verpmail {
namespace {

TEST(RecipientCache, RemembersFoundMembers)
{
    RecipientCache cache;
    EXPECT_FALSE(cache.find("sentto-a"));
    cache.remember("sentto-a", "a@example.org");
    EXPECT_EQ(cache.find("sentto-a").value_or(""), "a@example.org");
    EXPECT_FALSE(cache.find("sentto-b"));
}

TEST(RecipientCache, ForgetsAfterItsLifetime)
{
    RecipientCache cache(std::chrono::seconds(0));
    cache.remember("sentto-a", "a@example.org");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_FALSE(cache.find("sentto-a"));
}

TEST(RecipientCache, StaysWithinItsCapacity)
{
    RecipientCache cache(std::chrono::seconds(300), 3);
    for (int i = 0; i < 3; ++i)
        cache.remember("sentto-" + std::to_string(i), std::to_string(i) + "@example.org");
    EXPECT_TRUE(cache.find("sentto-2"));
    // Full: the next one empties it rather than growing past the bound.
    cache.remember("sentto-3", "3@example.org");
    EXPECT_FALSE(cache.find("sentto-0"));
    EXPECT_EQ(cache.find("sentto-3").value_or(""), "3@example.org");
}

} // namespace
} // namespace verpmail
