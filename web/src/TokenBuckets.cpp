#include "TokenBuckets.h"

#include <algorithm>

namespace verpmail::web {
namespace {

// A bucket is full again a minute after its last take at the latest.
constexpr auto kRefillTime = std::chrono::seconds(60);

} // namespace

TokenBuckets::TokenBuckets(unsigned perMinute, std::size_t maxClients)
    : _perMinute(perMinute), _maxClients(std::max<std::size_t>(1, maxClients))
{
}

TokenBuckets::Decision TokenBuckets::take(const std::string& client, Clock::time_point now)
{
    if (_perMinute == 0)
        return {};
    const std::int64_t rate = _perMinute;  // ticks a microsecond
    const std::int64_t capacity = rate * kTick;
    const std::lock_guard<std::mutex> lock(_mutex);
    auto it = _buckets.find(client);
    if (it == _buckets.end()) {
        makeRoom(now);
        _recent.push_front(client);
        it = _buckets.emplace(client, Bucket{capacity, now, _recent.begin()}).first;
    } else {
        Bucket& b = it->second;
        // Capped at a minute (the bucket is full by then), which also bounds the product.
        const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
            std::clamp<Clock::duration>(now - b.updated, Clock::duration::zero(), kRefillTime));
        b.ticks = std::min(capacity, b.ticks + elapsed.count() * rate);
        b.updated = std::max(b.updated, now);
        _recent.splice(_recent.begin(), _recent, b.recent);
    }
    Bucket& b = it->second;
    if (b.ticks >= kTick) {
        b.ticks -= kTick;
        return {};
    }
    const std::int64_t waitMicroseconds = (kTick - b.ticks + rate - 1) / rate;
    const std::int64_t waitSeconds = std::max<std::int64_t>(1, (waitMicroseconds + 999'999) / 1'000'000);
    return {false, static_cast<unsigned>(waitSeconds)};
}

void TokenBuckets::makeRoom(Clock::time_point now)
{
    if (_buckets.size() < _maxClients)
        return;
    // A bucket full again is the same as none: those go first, oldest first.
    while (!_recent.empty() && now - _buckets.at(_recent.back()).updated >= kRefillTime) {
        _buckets.erase(_recent.back());
        _recent.pop_back();
    }
    while (_buckets.size() >= _maxClients) {
        _buckets.erase(_recent.back());
        _recent.pop_back();
    }
}

std::size_t TokenBuckets::size() const
{
    const std::lock_guard<std::mutex> lock(_mutex);
    return _buckets.size();
}

} // namespace verpmail::web
