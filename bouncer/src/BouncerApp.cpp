#include "BouncerApp.h"

#include "IntakeCommand.h"
#include "LmtpService.h"
#include "ParseCommand.h"
#include "PipeCommand.h"
#include "ReturnContract.h"

#include "verpmail/util/Printable.h"

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <algorithm>
#include <iostream>

namespace verpmail {
namespace {

// Until the configuration says otherwise: well below Postfix's default 1000 s.
constexpr unsigned kDefaultTimeLimit = 60;

bool isPipeForm(int argc, char** argv)
{
    return std::find(argv + 1, argv + argc, std::string("--")) != argv + argc;
}

} // namespace

BouncerApp::BouncerApp() : ProgramBase("verpmail-bouncer", true) {}

void BouncerApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    // Poco's options are optional and not repeatable unless told otherwise.
    options.addOption(Poco::Util::Option("parse", "", "parse files, print JSON"));
    options.addOption(Poco::Util::Option("lmtp", "", "run the LMTP server"));
    options.addOption(Poco::Util::Option("mbox", "", "process an mbox file").argument("FILE"));
    options.addOption(Poco::Util::Option("maildir", "", "process a Maildir").argument("DIR"));
    options.addOption(Poco::Util::Option("imap", "", "process the IMAP mailbox bouncer.imap.url"));
}

void BouncerApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "parse")
        _parseMode = true;
    else if (name == "lmtp")
        _lmtpMode = true;
    else if (name == "mbox")
        _mboxPath = value;
    else if (name == "maildir")
        _maildirPath = value;
    else if (name == "imap")
        _imapMode = true;
}

int BouncerApp::runBouncer(int argc, char** argv)
{
    // Under pipe(8) the time limit runs from the first instruction: nothing that
    // follows (configuration, database, stdin) may outlast Postfix's own limit,
    // which would turn into a dropped return.
    const bool pipeForm = isPipeForm(argc, argv);
    if (pipeForm)
        armWatchdog(kDefaultTimeLimit);
    try {
        init(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "verpmail-bouncer: " << printable(e.displayText(), 300) << " (see --help)\n";
        if (!pipeForm)
            return toInt(ExitStatus::Usage);
        // Under Postfix a usage error is a mistake in master.cf: keep the return queued.
        return answerPipe(log(), Outcome::UsageError, e.displayText());
    }
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }
    // Application::run() calls main(args) with the arguments that are not options;
    // main() catches everything itself, so Poco's own 70/78 mapping is never reached.
    return run();
}

int BouncerApp::main(const std::vector<std::string>& args)
{
    const int modes =
        int(_parseMode) + int(_lmtpMode) + int(!_mboxPath.empty()) + int(!_maildirPath.empty()) + int(_imapMode);
    if (modes > 1) {
        std::cerr << "verpmail-bouncer: --parse, --lmtp, --mbox, --maildir and --imap exclude each other (see --help)\n";
        return toInt(ExitStatus::Usage);
    }
    if (_parseMode)
        return toInt(runParseCommand(args));
    if (_lmtpMode)
        return runLmtpService(*this, args);
    if (!_mboxPath.empty())
        return runIntakeCommand(*this, IntakeSource{IntakeSource::Kind::Mbox, _mboxPath}, args);
    if (!_maildirPath.empty())
        return runIntakeCommand(*this, IntakeSource{IntakeSource::Kind::Maildir, _maildirPath}, args);
    if (_imapMode)
        return runIntakeCommand(*this, IntakeSource{IntakeSource::Kind::Imap, ""}, args);
    return runPipeCommand(*this, args);
}

} // namespace verpmail
