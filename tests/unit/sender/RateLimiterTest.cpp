// RateLimiterTest: the shared token bucket of --rate. Only lower bounds on time are
// asserted where a wait is required (a sleep never ends early); where none is, the
// bound is a whole second, far above any scheduling delay.
#include "RateLimiter.h"

#include <gtest/gtest.h>

#include <chrono>

namespace verpmail {
namespace {

double secondsFor(RateLimiter& limiter, unsigned n)
{
    const auto start = std::chrono::steady_clock::now();
    limiter.acquire(n);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(RateLimiterTest, AFullBucketLetsOneSecondsWorthGoAtOnceThenMakesTheNextWait)
{
    RateLimiter limiter(5);
    EXPECT_LT(secondsFor(limiter, 5), 0.9);
    EXPECT_GE(secondsFor(limiter, 5), 0.9) << "the next five wait for a second's tokens";
}

TEST(RateLimiterTest, TokensGivenBackAreNotWaitedFor)
{
    RateLimiter limiter(5);
    limiter.acquire(5);
    limiter.giveBack(5);  // a claim that found nothing to send
    EXPECT_LT(secondsFor(limiter, 5), 0.9);
}

TEST(RateLimiterTest, GivingBackNeverFillsMoreThanOneSecondsWorth)
{
    RateLimiter limiter(5);
    limiter.giveBack(100);
    limiter.acquire(5);
    EXPECT_GE(secondsFor(limiter, 5), 0.9);
}

TEST(RateLimiterTest, ZeroMeansUnlimited)
{
    RateLimiter limiter(0);
    limiter.giveBack(3);
    EXPECT_LT(secondsFor(limiter, 1000000), 0.9);
}

} // namespace
} // namespace verpmail
