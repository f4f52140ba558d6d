// TokenBuckets: the rate limit of the public endpoints, a token bucket per client.
//
//   TokenBuckets limits(60);                       // web.rateLimit, per minute
//   const auto d = limits.take("192.0.2.7", TokenBuckets::Clock::now());
//   if (!d.allowed) answer 429 with Retry-After: d.retryAfterSeconds
//
// A bucket holds at most a minute's worth of requests (the burst) and refills
// continuously at perMinute / 60 a second. The map is bounded: a bucket idle long
// enough to be full again is the same as no bucket and is dropped first; when the
// map is full of busy clients, the one unseen longest goes. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace verpmail::web {

class TokenBuckets
{
public:
    using Clock = std::chrono::steady_clock;

    struct Decision
    {
        bool allowed = true;
        unsigned retryAfterSeconds = 0;  ///< when refused: until the next token, at least 1
    };

    static constexpr std::size_t kDefaultMaxClients = 10000;

    /// @param perMinute  requests a client may make per minute; 0: no limit.
    /// @param maxClients buckets kept at most.
    explicit TokenBuckets(unsigned perMinute, std::size_t maxClients = kDefaultMaxClients);

    /// Takes a token from `client`'s bucket if it has one.
    Decision take(const std::string& client, Clock::time_point now);

    /// Buckets held (for tests and the bound).
    std::size_t size() const;

private:
    /// A token is kTick ticks, and a bucket gains perMinute ticks a microsecond: whole
    /// numbers, so equal times always give equal answers.
    static constexpr std::int64_t kTick = 60'000'000;

    struct Bucket
    {
        std::int64_t ticks = 0;
        Clock::time_point updated;
        std::list<std::string>::iterator recent;  ///< its place in _recent
    };

    void makeRoom(Clock::time_point now);

    const unsigned _perMinute;
    const std::size_t _maxClients;
    mutable std::mutex _mutex;
    std::unordered_map<std::string, Bucket> _buckets;
    std::list<std::string> _recent;  ///< clients, most recently seen first
};

} // namespace verpmail::web
