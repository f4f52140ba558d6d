// verpmail-bouncer: what Postfix's pipe(8) runs once per return.
//
// A small front (libc only, so its start-up costs about what exec(2) costs) with two
// ways to record a return, chosen per return:
//   - verpmail-bouncerd is running (its socket, bouncer.socket, answers): hand it the
//     return and pass its answer on; the daemon keeps the parser and the database
//     connections warm (about 1 ms instead of about 10 per return);
//   - otherwise: become verpmail-bouncer-direct, the full bouncer, which does the same
//     work in this process.
// Both record exactly the same way (same parser, attribution, transaction and dedup
// key), so a return deferred in one way and retried in the other still counts once,
// and stopping or starting the daemon never needs a change in master.cf.
//
// Everything but the pipe invocation "[--config FILE] -- SENDER RECIPIENT" (--help,
// --parse, --mbox, --maildir, anything unknown, a run as root) goes to the full program
// unread: it owns the command line, the manual and the error messages. The one
// exception is "--parse FILE..." with nothing but file names, which goes to
// verpmail-bouncer-parse: the same parse without the full program's libraries.
#include "DaemonClient.h"
#include "DirectBouncer.h"
#include "MessageInput.h"
#include "PipeContract.h"
#include "PropertiesPeek.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

namespace front = verpmail::front;

constexpr const char* kDefaultConfig = "/etc/verpmail/verpmail.properties";

/// The pipe invocation, or nothing: the configuration file and where SENDER is.
bool isPipeInvocation(int argc, char** argv, const char*& config, int& senderIndex)
{
    const char* env = std::getenv("VERPMAIL_CONFIG");
    config = env && *env ? env : kDefaultConfig;
    int i = 1;
    if (i < argc && (std::strcmp(argv[i], "--config") == 0 || std::strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
        config = argv[i + 1];
        i += 2;
    } else if (i < argc && std::strncmp(argv[i], "--config=", 9) == 0) {
        config = argv[i] + 9;
        ++i;
    }
    if (i >= argc || std::strcmp(argv[i], "--") != 0 || argc - (i + 1) != 2 || !*config)
        return false;
    senderIndex = i + 1;
    return true;
}

/// "--parse FILE..." in its documented form: only file names after it (no options,
/// no "--"), which verpmail-bouncer-parse handles alone.
bool isParseInvocation(int argc, char** argv)
{
    if (argc < 3 || std::strcmp(argv[1], "--parse") != 0)
        return false;
    for (int i = 2; i < argc; ++i)
        if (argv[i][0] == '-')
            return false;
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    if (isParseInvocation(argc, argv))
        return front::runParse(argv);
    const char* config = nullptr;
    int senderIndex = 0;
    if (!isPipeInvocation(argc, argv, config, senderIndex) || ::geteuid() == 0)
        return front::runDirect(argv);
    front::FrontSettings settings;
    if (front::peekProperties(config, settings) != front::PeekResult::Read)
        return front::runDirect(argv);

    // Connect first: with no daemon, stdin must still be unread for the full program.
    front::DaemonConnection daemon;
    switch (daemon.connect(settings.socketPath)) {
    case front::DaemonConnection::Outcome::Connected: break;
    case front::DaemonConnection::Outcome::NotRunning: return front::runDirect(argv);
    case front::DaemonConnection::Outcome::Failed: {
        char what[200];
        std::strcpy(what, "cannot connect to ");
        std::strncat(what, settings.socketPath, sizeof what - std::strlen(what) - 1);
        return front::daemonUnavailable(what, daemon.error());
    }
    }

    // The same limit as the full program's bouncer.timeLimit, stdin included.
    front::armTimeLimit(settings.timeLimitSeconds);
    // A daemon that closes early must cost a line of text, not the process.
    ::signal(SIGPIPE, SIG_IGN);
    front::MessageInput message;
    int error = 0;
    if (!front::readMessage(message, settings.maxMessageBytes, error))
        return front::tempfail("4.3.0 verpmail-bouncer cannot read the message: ", std::strerror(error));
    return daemon.deliver(argv[senderIndex], argv[senderIndex + 1], message);
}
