#include "Watchdog.h"

#include <signal.h>
#include <unistd.h>

namespace verpmail {
namespace {

extern "C" void onAlarm(int)
{
    // ReturnContract's TimeLimit line, written here by hand: a handler may only write.
    static const char kLine[] = "4.3.0 verpmail-bouncer time limit reached, try again later\n";
    (void)!::write(STDOUT_FILENO, kLine, sizeof kLine - 1);
    ::_exit(75);
}

} // namespace

void armWatchdog(unsigned seconds)
{
    struct sigaction action {};
    action.sa_handler = onAlarm;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGALRM, &action, nullptr);
    ::alarm(seconds);
}

} // namespace verpmail
