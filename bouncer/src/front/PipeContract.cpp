#include "PipeContract.h"

#include "../daemon/Protocol.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace verpmail::front {
namespace {

// The alarm handler may only write and _exit: its line is made before the alarm is set.
char gTimeoutLine[200];
std::size_t gTimeoutLength = 0;

extern "C" void onAlarm(int)
{
    (void)!::write(STDOUT_FILENO, gTimeoutLine, gTimeoutLength);
    ::_exit(kTempFail);
}

} // namespace

int tempfail(std::string_view prefix, std::string_view text)
{
    char line[protocol::kMaxReplyLine + 64];
    std::size_t n = 0;
    for (const std::string_view part : {prefix, text})
        for (const char c : part)
            if (n < sizeof line - 2)
                line[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
    line[n++] = '\n';
    // Cancel the alarm first: the handler must not add a second line.
    ::alarm(0);
    (void)!::write(STDOUT_FILENO, line, n);
    return kTempFail;
}

int daemonUnavailable(const char* what, int error)
{
    char text[300];
    if (error != 0)
        std::snprintf(text, sizeof text, "%s: %s", what, std::strerror(error));
    else
        std::snprintf(text, sizeof text, "%s", what);
    return tempfail("4.3.0 verpmail-bouncerd unavailable: ", text);
}

void armTimeLimit(unsigned seconds)
{
    const int length = std::snprintf(gTimeoutLine, sizeof gTimeoutLine,
                                      "4.3.0 verpmail-bouncer time limit of %u s reached\n", seconds);
    gTimeoutLength = length > 0 ? static_cast<std::size_t>(length) : 0;
    struct sigaction action {};
    action.sa_handler = onAlarm;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGALRM, &action, nullptr);
    ::alarm(seconds);
}

} // namespace verpmail::front
