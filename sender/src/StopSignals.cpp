#include "StopSignals.h"

#include <pthread.h>

#include <cerrno>

namespace verpmail {

StopSignals::StopSignals()
{
    sigemptyset(&_set);
    sigaddset(&_set, SIGTERM);
    sigaddset(&_set, SIGINT);
    ::pthread_sigmask(SIG_BLOCK, &_set, &_previous);
}

StopSignals::~StopSignals()
{
    // Take what is pending before unblocking, or it would kill us on the way out.
    const timespec none{0, 0};
    while (::sigtimedwait(&_set, nullptr, &none) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
}

bool StopSignals::wait(std::chrono::milliseconds timeout)
{
    const timespec limit{static_cast<time_t>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000) * 1000000L};
    const int number = ::sigtimedwait(&_set, nullptr, &limit);
    if (number > 0) {
        if (_received != 0) {
            ::signal(number, SIG_DFL);
            ::pthread_sigmask(SIG_UNBLOCK, &_set, nullptr);
            ::raise(number);
        }
        _received = number;
    }
    return _received != 0;
}

std::string StopSignals::name() const
{
    return _received == SIGTERM ? "SIGTERM" : _received == SIGINT ? "SIGINT" : "";
}

} // namespace verpmail
