// RateLimiter: a token bucket shared by the sending threads (--rate N/s).
#pragma once

#include <chrono>
#include <mutex>

namespace verpmail {

class RateLimiter
{
public:
    /// perSecond == 0: unlimited. The bucket holds one second's worth, so a batch
    /// may start at once after an idle pause but the average stays at the rate.
    explicit RateLimiter(double perSecond);

    /// Blocks until n messages may be sent.
    void acquire(unsigned n);

    /// Returns n acquired messages that will not be sent (a claim found fewer rows),
    /// so that a thread with nothing to do does not slow the others down.
    void giveBack(unsigned n);

private:
    double _perSecond;
    double _tokens;
    std::chrono::steady_clock::time_point _last;
    std::mutex _mutex;
};

} // namespace verpmail
