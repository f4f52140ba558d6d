// Progress: "sent/total, rate, ETA" on one terminal line, redrawn in place.
// Silent when stderr is not a terminal (cron, pipes, tests).
#pragma once

#include <chrono>
#include <cstdint>

namespace verpmail {

class Progress
{
public:
    Progress(std::uint64_t total, std::uint64_t alreadyDone);
    void update(std::uint64_t doneThisRun);
    void finish();

private:
    bool _enabled;
    std::uint64_t _total;
    std::uint64_t _alreadyDone;
    std::uint64_t _last = 0;
    bool _drawn = false;
    std::chrono::steady_clock::time_point _start;
};

} // namespace verpmail
