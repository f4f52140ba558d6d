#include "Watchdog.h"

#include <signal.h>
#include <unistd.h>

namespace verpmail {
namespace {

extern "C" void onAlarm(int)
{
    static const char kLine[] = "4.3.0 verpmail-bouncer time limit exceeded, try again later\n";
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
