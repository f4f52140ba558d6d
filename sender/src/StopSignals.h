// StopSignals: SIGTERM and SIGINT ask a run to stop, not kill it.
//
//   StopSignals signals;            // in main(), before any thread starts
//   ... start the worker threads (they inherit the blocked signals) ...
//   while (working) if (signals.wait(200ms)) shared.stop = true;
//
// The signals are blocked in every thread and taken only by wait(), synchronously:
// no handler interrupts a worker in the middle of an SMTP or database call. After the
// first signal the workers stop claiming, finish the SMTP session they are in and
// settle it, so a stopped run leaves nothing uncertain. A second signal means "now":
// the default action is restored and the signal delivered (what is still open is
// then taken over by the next run, see ClaimLease.h).
#pragma once

#include <signal.h>

#include <chrono>
#include <string>

namespace verpmail {

class StopSignals
{
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    /// Waits up to timeout for a signal; true once one has arrived (now or before).
    bool wait(std::chrono::milliseconds timeout);
    /// "SIGTERM" or "SIGINT" once one arrived, else "".
    std::string name() const;

private:
    sigset_t _set;
    sigset_t _previous;
    int _received = 0;
};

} // namespace verpmail
