#include "Progress.h"

#include <unistd.h>

#include <cstdio>

namespace verpmail {

Progress::Progress(std::uint64_t total, std::uint64_t alreadyDone)
    : _enabled(::isatty(STDERR_FILENO) == 1), _total(total), _alreadyDone(alreadyDone),
      _start(std::chrono::steady_clock::now())
{
}

void Progress::update(std::uint64_t doneThisRun)
{
    if (!_enabled || (doneThisRun == _last && _drawn))
        return;
    _last = doneThisRun;
    _drawn = true;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - _start).count();
    const double rate = seconds > 0 ? static_cast<double>(doneThisRun) / seconds : 0;
    const std::uint64_t done = _alreadyDone + doneThisRun;
    const std::uint64_t left = _total > done ? _total - done : 0;
    const auto eta = static_cast<unsigned long>(rate > 0 ? static_cast<double>(left) / rate : 0);
    std::fprintf(stderr, "\r%llu/%llu sent, %.0f/s, ETA %lu:%02lu:%02lu   ", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(_total), rate, eta / 3600, eta / 60 % 60, eta % 60);
    std::fflush(stderr);
}

void Progress::finish()
{
    if (_enabled && _drawn)
        std::fputs("\n", stderr);
}

} // namespace verpmail
