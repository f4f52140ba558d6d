#include "RateLimiter.h"

#include <algorithm>
#include <thread>

namespace verpmail {

RateLimiter::RateLimiter(double perSecond)
    : _perSecond(perSecond), _tokens(perSecond), _last(std::chrono::steady_clock::now())
{
}

void RateLimiter::acquire(unsigned n)
{
    if (_perSecond <= 0)
        return;
    std::chrono::duration<double> wait{};
    {
        std::lock_guard<std::mutex> lock(_mutex);
        const auto now = std::chrono::steady_clock::now();
        _tokens = std::min(_perSecond, _tokens + std::chrono::duration<double>(now - _last).count() * _perSecond);
        _last = now;
        // Take the tokens now (the balance may go negative) and sleep off the debt
        // outside the lock, so threads queue fairly without holding it.
        _tokens -= n;
        if (_tokens < 0)
            wait = std::chrono::duration<double>(-_tokens / _perSecond);
    }
    if (wait.count() > 0)
        std::this_thread::sleep_for(wait);
}

void RateLimiter::giveBack(unsigned n)
{
    if (_perSecond <= 0)
        return;
    std::lock_guard<std::mutex> lock(_mutex);
    _tokens = std::min(_perSecond, _tokens + n);
}

} // namespace verpmail
