#include "BouncerApp.h"

#include "BoundedInput.h"
#include "DeliveryHeaders.h"
#include "MaildirIntake.h"
#include "MboxIntake.h"
#include "MessageProcessor.h"
#include "ParseCommand.h"
#include "Watchdog.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/util/Printable.h"

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string_view>

namespace verpmail {
namespace {

// Until the configuration says otherwise: well below Postfix's default 1000 s.
constexpr unsigned kDefaultTimeLimit = 60;

/// The single place that turns "try again later" into what Postfix reads: one line
/// "4.x.x text" on stdout (it takes precedence over the exit status) and exit 75.
int tempfail(Poco::Logger& log, const std::string& dsn, const std::string& text)
{
    const std::string line = dsn + " " + printable(text, 300);
    log.critical("status=deferred exit=75 reason=\"%s\"", line);
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
    return toInt(ExitStatus::TempFail);
}

/// Mailbox intake reports to whoever runs it (cron mails stderr) and to the log.
int intakeExit(Poco::Logger& log, ExitStatus status, const std::string& text)
{
    std::cerr << "verpmail-bouncer: " << printable(text, 500) << "\n";
    log.error("status=%s exit=%d reason=\"%s\"", std::string(status == ExitStatus::TempFail ? "deferred" : "error"),
              toInt(status), printable(text, 500));
    return toInt(status);
}

struct IntakeTally
{
    std::size_t recorded = 0;
    std::size_t duplicate = 0;
    std::size_t unattributed = 0;
    std::string lastError;  ///< why the last message was left, for the summary
};

/// Records one saved message; the answer tells the reader whether to move it out.
Disposition recordSaved(MessageProcessor& processor, const MailboxMessage& saved, IntakeTally& tally,
                        Poco::Logger& log)
{
    const MailboxRecipient to = chooseRecipient(processor.codec(), deliveryAddresses(saved.data));
    IncomingMessage message;
    message.data = saved.data;
    message.totalBytes = saved.totalBytes;
    message.sender = !saved.envelopeSender.empty() ? saved.envelopeSender : returnPath(saved.data);
    message.recipient = to.recipient;
    message.candidates = to.others;
    message.source = saved.where;
    try {
        switch (processor.process(message)) {
        case ProcessOutcome::Recorded: ++tally.recorded; break;
        case ProcessOutcome::Duplicate: ++tally.duplicate; break;
        case ProcessOutcome::Unattributed: ++tally.unattributed; break;
        }
        return Disposition::Processed;
    } catch (const MysqlError& e) {
        tally.lastError = "database unavailable: " + e.describe();
        log.error("%s status=deferred reason=\"%s\"", printable(saved.where, 200), printable(tally.lastError, 300));
        // A server that is down stays down for the rest of the run; an error with
        // this one message (a constraint, bad data) says nothing about the next.
        return e.isTransient() ? Disposition::KeepAndStop : Disposition::Keep;
    } catch (const ConfigError& e) {
        tally.lastError = std::string("configuration error: ") + e.what();
        log.error("%s status=deferred reason=\"%s\"", printable(saved.where, 200), printable(tally.lastError, 300));
        return Disposition::KeepAndStop;
    }
}

} // namespace

BouncerApp::BouncerApp() : ProgramBase("verpmail-bouncer", true) {}

void BouncerApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    options.addOption(Poco::Util::Option("parse", "", "parse files, print JSON").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("mbox", "", "process an mbox file").required(false).repeatable(false).argument("FILE"));
    options.addOption(Poco::Util::Option("maildir", "", "process a Maildir").required(false).repeatable(false).argument("DIR"));
}

void BouncerApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "parse")
        _parseMode = true;
    else if (name == "mbox")
        _mboxPath = value;
    else if (name == "maildir")
        _maildirPath = value;
}

void BouncerApp::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-bouncer - record returned mail for verpmail (Postfix pipe transport)\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-bouncer [--config FILE] [--define KEY=VALUE] -- SENDER RECIPIENT < message\n"
        "  verpmail-bouncer [--config FILE] [--define KEY=VALUE] --mbox FILE\n"
        "  verpmail-bouncer [--config FILE] [--define KEY=VALUE] --maildir DIR\n"
        "  verpmail-bouncer --parse FILE...\n"
        "\n"
        "DESCRIPTION\n"
        "  Postfix delivers every message for the bounce domain to this command through\n"
        "  a pipe(8) service (see postfix-conf/README.md). It reads the message on stdin\n"
        "  (at most bouncer.maxMessageBytes; the rest is read and ignored), finds the list\n"
        "  member behind RECIPIENT (the VERP address: EncodedFROM lookup, then plain\n"
        "  decoding in plain mode, then VERP addresses inside the returned original),\n"
        "  parses the return (RFC 3464 DSNs and non-standard formats, RFC 5965 complaints,\n"
        "  RFC 3834 auto-replies), classifies it (hard, soft, block, complaint, autoreply,\n"
        "  none) and records it in one transaction. It never applies policy: the sender\n"
        "  does at its next run. A return it cannot attribute is stored with email NULL\n"
        "  and bounce_type 'unattributed'. The same return delivered twice counts once.\n"
        "  SENDER is informational (Postfix passes MAILER-DAEMON or an empty string for\n"
        "  bounces).\n"
        "\n"
        "  When verpmail-bouncerd runs and answers on bouncer.socket, the pipe form\n"
        "  \"[--config FILE] -- SENDER RECIPIENT\" hands the message to the daemon, which\n"
        "  records it in exactly the same way with warm database connections (about 1 ms\n"
        "  a return instead of about 10): verpmail-bouncer is a small front that passes\n"
        "  the daemon's answer on. When the daemon is not running (no socket, or no one\n"
        "  listening on it) the front runs verpmail-bouncer-direct, installed next to it,\n"
        "  which does the work in its own process. Every other form (--mbox, --maildir,\n"
        "  --parse, --help, --define) and a run as root always go to\n"
        "  verpmail-bouncer-direct. Starting or stopping the daemon needs no change in\n"
        "  master.cf; a return deferred one way and retried the other counts once.\n"
        "\n"
        "  --mbox FILE      process the returns saved in a catch-all mailbox instead\n"
        "  --maildir DIR    (run it from cron as the mailbox's owner). Each message is\n"
        "                   recorded exactly as a piped one; the VERP address is taken\n"
        "                   from its Delivered-To, X-Original-To, then To header, then\n"
        "                   from the returned original (Return-Path, X-Verpmail-Envelope).\n"
        "                   Processed messages (recorded, duplicates, unattributed) are\n"
        "                   moved out; everything else is left where it was:\n"
        "                   mbox: under the mailbox lock (FILE.lock dot-lock and an fcntl\n"
        "                     lock, as Postfix local(8) uses), processed messages are\n"
        "                     appended verbatim to the mbox FILE.processed, then FILE is\n"
        "                     rewritten in place holding only the rest. \">From \" quoting\n"
        "                     is undone before parsing; CRLF line ends are accepted.\n"
        "                   maildir: every message in DIR/new and DIR/cur is processed\n"
        "                     and renamed into the Maildir++ folder DIR/.processed/cur\n"
        "                     with the S (seen) flag; DIR/tmp is not touched.\n"
        "                   When the database is down the run stops at the first message\n"
        "                   and leaves it and the rest for the next run. Running again\n"
        "                   is always safe: a return already recorded counts once.\n"
        "                   One summary line goes to stdout: messages= processed=\n"
        "                   recorded= duplicate= unattributed= left=.\n"
        "\n"
        "  --parse FILE...  parse saved messages without a database and print one JSON\n"
        "                   object per file, one per line: {\"file\",\"kind\",\"recipients\":\n"
        "                   [{\"address\",\"action\",\"status\",\"class\",\"reason\",\n"
        "                   \"diagnostic\"}]}\n"
        "\n"
        "OPTIONS\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  Under Postfix (-- SENDER RECIPIENT):\n"
        "  0   the return was recorded, was a duplicate, or was stored as unattributed\n"
        "  75  try again later; stdout holds one line \"4.x.x reason\" that Postfix logs:\n"
        "      database unreachable or hung (4.3.0), configuration unreadable or invalid\n"
        "      (4.3.5), usage error (4.3.5), time limit bouncer.timeLimit reached (4.3.0),\n"
        "      run as root (4.3.0), internal error (4.3.0). No other status is returned\n"
        "      when delivering, because Postfix drops a return on any other code.\n"
        "  With --mbox or --maildir:\n"
        "  0   every message was processed (or there was none)\n"
        "  75  some messages were left for a later run (database unavailable, the\n"
        "      configuration unusable, the mailbox locked, a processed message that\n"
        "      could not be moved out); the reason is on stderr\n"
        "  66  FILE or DIR is missing, unreadable, not an mbox / not a Maildir, or a\n"
        "      message file in DIR could not be read (it is left)\n"
        "  64  usage error (both options, extra arguments, run as root)\n"
        "  With --parse: 0, or 66 if a file could not be read, 64 on usage errors.\n"
        "\n"
        "SECURITY\n"
        "  Refuses to run as root. Runs as the unprivileged user named in master.cf (or\n"
        "  the mailbox's owner for intake); reads the MySQL option file and the VERP key\n"
        "  file, both mode 0600.\n"
        "\n"
        "CONFIGURATION\n"
        "  mysql.optionFile, mysql.optionGroup, mysql.connectTimeout, mysql.readTimeout,\n"
        "  mysql.writeTimeout, verp.mode, verp.prefix, verp.domain, verp.keyFile,\n"
        "  bouncer.maxMessageBytes (default 10485760; per message, also for intake),\n"
        "  bouncer.timeLimit (default 60 s; keep it below Postfix's verpmail_time_limit;\n"
        "  not applied to intake), bouncer.socket (default /run/verpmail/bouncerd.sock;\n"
        "  the front reads these three keys from FILE itself and leaves a file it cannot\n"
        "  read simply, e.g. with line continuations, to verpmail-bouncer-direct). Logs go\n"
        "  to syslog (LOG_MAIL) unless logging.* keys say otherwise.\n";
}

namespace {

// How many arguments at the end of the command line are the files of "--parse
// FILE..." in its documented form: "--parse" (which takes no value), then only
// arguments that are not options, and no "--" before it.
int trailingParseFiles(int argc, char** argv)
{
    int first = argc;
    while (first > 2 && argv[first - 1][0] != '-')
        --first;
    if (first == argc || std::string_view(argv[first - 1]) != "--parse")
        return 0;
    for (int i = 1; i < first - 1; ++i)
        if (std::string_view(argv[i]) == "--")
            return 0;
    return argc - first;
}

} // namespace

int BouncerApp::runBouncer(int argc, char** argv)
{
    // Performance: Poco's init() stores every argument in the configuration
    // (application.argv[N]) and matches each against the options: ~4,000
    // instructions a file, 3% of parsing it. The files of --parse are kept from it
    // and follow its arguments in main().
    const int files = trailingParseFiles(argc, argv);
    _trailingFiles.assign(argv + argc - files, argv + argc);
    try {
        init(argc - files, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "verpmail-bouncer: " << e.displayText() << " (see --help)\n";
        // Under Postfix a usage error is a configuration mistake in master.cf: keep
        // the return queued until it is fixed.
        std::fprintf(stdout, "4.3.5 verpmail-bouncer usage error: %s\n", printable(e.displayText()).c_str());
        return toInt(ExitStatus::TempFail);
    }
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }

    // Application::run() calls main(args) with the arguments after "--"; main()
    // catches everything itself, so Poco's own 70/78 mapping is never reached.
    return run();
}

int BouncerApp::main(const std::vector<std::string>& optionArgs)
{
    std::vector<std::string> args = optionArgs;
    args.insert(args.end(), _trailingFiles.begin(), _trailingFiles.end());
    if (_parseMode)
        return toInt(runParseCommand(args));
    if (!_mboxPath.empty() || !_maildirPath.empty())
        return runIntake(args);

    armWatchdog(kDefaultTimeLimit);
    Poco::Logger& logger = log();
    if (args.size() != 2)
        return tempfail(logger, "4.3.5",
                        "verpmail-bouncer usage error: expected -- SENDER RECIPIENT, got " + std::to_string(args.size()) +
                            " arguments (check master.cf and verpmail_destination_recipient_limit = 1)");
    if (::geteuid() == 0)
        return tempfail(logger, "4.3.0", "verpmail-bouncer refuses to run as root (set user= in master.cf)");

    try {
        loadSettings();
    } catch (const std::exception& e) {
        return tempfail(logger, "4.3.5", std::string("verpmail-bouncer configuration error: ") + e.what());
    }
    try {
        return toInt(deliver(args[0], args[1]));
    } catch (const ConfigError& e) {
        return tempfail(logger, "4.3.5", std::string("verpmail-bouncer configuration error: ") + e.what());
    } catch (const MysqlError& e) {
        return tempfail(logger, "4.3.0", "verpmail-bouncer database unavailable: " + e.describe());
    } catch (const std::exception& e) {
        return tempfail(logger, "4.3.0", std::string("verpmail-bouncer internal error: ") + e.what());
    } catch (...) {
        return tempfail(logger, "4.3.0", "verpmail-bouncer internal error");
    }
}

ExitStatus BouncerApp::deliver(const std::string& sender, const std::string& recipient)
{
    const BouncerSettings bouncer = bouncerSettingsFrom(config());
    armWatchdog(bouncer.timeLimitSeconds);
    MessageProcessor processor(VerpCodec(verpSettingsFrom(config())), mysqlOptionsFrom(config()),
                               bouncer.maxMessageBytes, policySettingsFrom(config()).incident, log());

    // Read all of stdin before anything can fail, so a retry gets the same bytes.
    BoundedRead input = readBounded(std::cin, bouncer.maxMessageBytes);
    IncomingMessage message;
    message.data = std::move(input.data);
    message.totalBytes = input.totalBytes;
    message.sender = sender;
    message.recipient = recipient;
    processor.process(message);
    return ExitStatus::Ok;
}

int BouncerApp::runIntake(const std::vector<std::string>& args)
{
    Poco::Logger& logger = log();
    if (!_mboxPath.empty() && !_maildirPath.empty())
        return intakeExit(logger, ExitStatus::Usage, "--mbox and --maildir exclude each other (see --help)");
    if (!args.empty())
        return intakeExit(logger, ExitStatus::Usage, "--mbox and --maildir take no other arguments (see --help)");
    if (::geteuid() == 0)
        return intakeExit(logger, ExitStatus::Usage, "refuses to run as root; run it as the mailbox's owner");
    const bool mbox = !_mboxPath.empty();
    const std::string where = mbox ? "mbox=" + _mboxPath : "maildir=" + _maildirPath;

    IntakeResult result;
    IntakeTally tally;
    try {
        loadSettings();
        const BouncerSettings bouncer = bouncerSettingsFrom(config());
        MessageProcessor processor(VerpCodec(verpSettingsFrom(config())), mysqlOptionsFrom(config()),
                                   bouncer.maxMessageBytes, policySettingsFrom(config()).incident, logger);
        const MessageHandler handle = [&](const MailboxMessage& saved) {
            return recordSaved(processor, saved, tally, logger);
        };
        result = mbox ? processMbox(_mboxPath, bouncer.maxMessageBytes, handle)
                      : processMaildir(_maildirPath, bouncer.maxMessageBytes, handle);
    } catch (const IntakeError& e) {
        // Nothing unprocessed was removed; see MboxIntake.h for what a write failure leaves.
        return intakeExit(logger, e.kind() == IntakeError::Kind::Unreadable ? ExitStatus::NoInput : ExitStatus::TempFail,
                          e.what());
    } catch (const std::exception& e) {
        // Configuration (unreadable file, bad key, bad VERP key) or internal: nothing
        // was moved, so everything is still there for a later run.
        return intakeExit(logger, ExitStatus::TempFail, e.what());
    }

    for (const std::string& problem : result.problems) {
        std::cerr << "verpmail-bouncer: " << printable(problem, 500) << " (left for a later run)\n";
        logger.warning("%s status=left reason=\"%s\"", where, printable(problem, 300));
    }
    const std::string summary = where + " messages=" + std::to_string(result.messages) +
                                " processed=" + std::to_string(result.processed) +
                                " recorded=" + std::to_string(tally.recorded) +
                                " duplicate=" + std::to_string(tally.duplicate) +
                                " unattributed=" + std::to_string(tally.unattributed) +
                                " left=" + std::to_string(result.left);
    logger.information("%s", summary);
    std::cout << "verpmail-bouncer: " << printable(summary, 500) << "\n";
    if (result.unreadable > 0)
        return intakeExit(logger, ExitStatus::NoInput,
                          std::to_string(result.unreadable) + " message file(s) could not be read; they are left");
    if (result.left > 0)
        return intakeExit(logger, ExitStatus::TempFail,
                          std::to_string(result.left) + " message(s) left for a later run" +
                              (tally.lastError.empty() ? std::string() : ": " + tally.lastError));
    return toInt(ExitStatus::Ok);
}

} // namespace verpmail
