// Watchdog: a hard time limit for the whole bouncer run.
//
// Postfix's pipe(8) BOUNCES a command that exceeds its time limit, and a bounce of
// a bounce is dropped: the return would be lost. Database timeouts cover most hangs,
// but not all (DNS, a stuck read on stdin, a bug), so an alarm ends the run with the
// tempfail line and exit 75 before Postfix's limit is reached.
#pragma once

namespace verpmail {

/// Arms (or re-arms) the limit; 0 disarms. Async-signal-safe handler: write + _exit.
void armWatchdog(unsigned seconds);

} // namespace verpmail
