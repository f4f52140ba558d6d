#include "PipeCommand.h"

#include "BoundedInput.h"
#include "MessageProcessor.h"

#include "verpmail/config/ProgramBase.h"
#include "verpmail/config/Settings.h"
#include "verpmail/util/Printable.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

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

int answerPipe(Poco::Logger& log, Outcome outcome, const std::string& detail)
{
    const PipeAnswer answer = pipeAnswer(outcome, detail);
    if (!answer.line.empty()) {
        // The alarm must not add a second line after this one.
        armWatchdog(0);
        log.error("status=%s exit=%d reason=\"%s\"", std::string(outcomeName(outcome)), answer.exitStatus,
                  answer.line);
        std::fprintf(stdout, "%s\n", answer.line.c_str());
        std::fflush(stdout);
    }
    return answer.exitStatus;
}

int runPipeCommand(ProgramBase& program, const std::vector<std::string>& args)
{
    Poco::Logger& log = program.log();
    if (args.size() != 2)
        return answerPipe(log, Outcome::UsageError,
                          "expected -- SENDER RECIPIENT, got " + std::to_string(args.size()) +
                              " arguments (check master.cf and verpmail_destination_recipient_limit = 1)");
    if (::geteuid() == 0)
        return answerPipe(log, Outcome::RunAsRoot, "set user= in master.cf");

    try {
        program.loadSettings();
        const BouncerSettings bouncer = bouncerSettingsFrom(program.config());
        armWatchdog(bouncer.timeLimitSeconds);
        MessageProcessor processor(VerpCodec(verpSettingsFrom(program.config())), bouncerMysqlOptionsFrom(program.config()),
                                   bouncer, policySettingsFrom(program.config()), log);

        BoundedRead input = readBounded(std::cin, bouncer.maxMessageBytes);
        IncomingMessage message;
        message.data = std::move(input.data);
        message.totalBytes = input.totalBytes;
        message.sender = args[0];
        message.recipient = args[1];
        std::string detail;
        const Outcome outcome = processor.take(message, detail);
        return answerPipe(log, outcome, detail);
    } catch (const std::exception& e) {
        // Settings: an unreadable file, a bad value, an unusable VERP key.
        return answerPipe(log, Outcome::ConfigurationError, e.what());
    } catch (...) {
        return answerPipe(log, Outcome::InternalError, "");
    }
}

} // namespace verpmail
