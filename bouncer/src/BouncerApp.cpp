#include "BouncerApp.h"

#include "Attribution.h"
#include "BoundedInput.h"
#include "ReturnJson.h"
#include "Watchdog.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Printable.h"

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

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

/// The recipient result that speaks for the member: the one naming the member,
/// else the first failure, else the first result, else one made from the kind.
RecipientResult chooseResult(const ParsedReturn& parsed, const std::optional<std::string>& email)
{
    if (email) {
        for (const RecipientResult& r : parsed.recipients)
            if (!r.address.empty() && EmailAddress::parse(r.address) &&
                EmailAddress::parse(r.address)->normalized() == *email)
                return r;
    }
    for (const RecipientResult& r : parsed.recipients)
        if (r.bounceClass == BounceClass::Hard || r.bounceClass == BounceClass::Soft || r.bounceClass == BounceClass::Block)
            return r;
    if (!parsed.recipients.empty())
        return parsed.recipients.front();

    RecipientResult made;
    switch (parsed.kind) {
    case ReturnKind::AutoReply:
        made.bounceClass = BounceClass::AutoReply;
        made.reason = "vacation";
        break;
    case ReturnKind::Complaint:
        made.bounceClass = BounceClass::Complaint;
        made.reason = "feedback";
        break;
    case ReturnKind::Bounce:
    case ReturnKind::Other:
        made.bounceClass = BounceClass::None;
        break;
    }
    return made;
}

} // namespace

BouncerApp::BouncerApp() : ProgramBase("verpmail-bouncer", true) {}

void BouncerApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    options.addOption(Poco::Util::Option("parse", "", "parse files, print JSON").required(false).repeatable(false));
}

void BouncerApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "parse")
        _parseMode = true;
}

void BouncerApp::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-bouncer - record returned mail for verpmail (Postfix pipe transport)\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-bouncer [--config FILE] [--define KEY=VALUE] -- SENDER RECIPIENT < message\n"
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
        "  --parse FILE...  parse saved messages without a database and print one JSON\n"
        "                   object per file, one per line: {\"file\",\"kind\",\"recipients\":\n"
        "                   [{\"address\",\"action\",\"status\",\"class\",\"reason\",\n"
        "                   \"diagnostic\"}]}\n"
        "\n"
        "OPTIONS\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  0   the return was recorded, was a duplicate, or was stored as unattributed\n"
        "  75  try again later; stdout holds one line \"4.x.x reason\" that Postfix logs:\n"
        "      database unreachable or hung (4.3.0), configuration unreadable or invalid\n"
        "      (4.3.5), usage error (4.3.5), time limit bouncer.timeLimit reached (4.3.0),\n"
        "      run as root (4.3.0), internal error (4.3.0). No other status is returned\n"
        "      when delivering, because Postfix drops a return on any other code.\n"
        "  With --parse: 0, or 66 if a file could not be read, 64 on usage errors.\n"
        "\n"
        "SECURITY\n"
        "  Refuses to run as root. Runs as the unprivileged user named in master.cf;\n"
        "  reads the MySQL option file and the VERP key file, both mode 0600.\n"
        "\n"
        "CONFIGURATION\n"
        "  mysql.optionFile, mysql.optionGroup, mysql.connectTimeout, mysql.readTimeout,\n"
        "  mysql.writeTimeout, verp.mode, verp.prefix, verp.domain, verp.keyFile,\n"
        "  bouncer.maxMessageBytes (default 10485760), bouncer.timeLimit (default 60 s;\n"
        "  keep it below Postfix's verpmail_time_limit). Logs go to syslog (LOG_MAIL)\n"
        "  unless logging.* keys say otherwise.\n";
}

int BouncerApp::runBouncer(int argc, char** argv)
{
    try {
        init(argc, argv);
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

int BouncerApp::main(const std::vector<std::string>& args)
{
    if (_parseMode)
        return parseFiles(args);

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
        return tempfail(logger, "4.3.0", std::string("verpmail-bouncer database unavailable: ") + e.what());
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
    const VerpCodec codec(verpSettingsFrom(config()));
    const MysqlOptions mysql = mysqlOptionsFrom(config());

    // Read all of stdin before anything can fail, so a retry gets the same bytes.
    const BoundedRead input = readBounded(std::cin, bouncer.maxMessageBytes);
    ParseLimits limits;
    limits.maxBytes = bouncer.maxMessageBytes;
    const ParsedReturn parsed = parseReturn(input.data, limits);

    MysqlConnection db(mysql);
    TrackerStore tracker(db);
    const Attribution who = attribute(codec, tracker, recipient, parsed.verpCandidates);

    ReturnEntry entry;
    entry.email = who.email;
    entry.encodedFrom = who.encodedFrom;
    entry.envelopeRecipient = recipient;
    entry.kind = parsed.kind;
    entry.result = chooseResult(parsed, who.email);
    entry.campaign = !parsed.campaign.empty() ? parsed.campaign : parsed.envelopeId;
    entry.rawMessage = input.data;
    entry.dedupKey = ReturnRecorder::dedupKey(input.data, recipient, 0);

    ReturnRecorder recorder(db);
    const RecordOutcome outcome = recorder.record(entry);

    const char* state = outcome == RecordOutcome::Duplicate ? "duplicate" : who.email ? "recorded" : "unattributed";
    log().information(
        "recipient=<%s> sender=<%s> member=<%s> via=%s kind=%s class=%s reason=%s dsn=%s campaign=%s size=%z%s "
        "status=%s%s",
        printable(recipient, 120), printable(sender, 120), printable(who.email.value_or(""), 120),
        who.email ? who.via : std::string("none"), std::string(toString(parsed.kind)),
        std::string(entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed"),
        printable(entry.result.reason.empty() ? "-" : entry.result.reason, 40),
        printable(entry.result.status.empty() ? "-" : entry.result.status, 16),
        printable(entry.campaign.empty() ? "-" : entry.campaign, 64), input.totalBytes,
        std::string(input.truncated() ? " truncated=yes" : ""), std::string(state),
        who.email ? std::string() : " problem=\"" + printable(who.problem, 120) + "\"");
    return ExitStatus::Ok;
}

int BouncerApp::parseFiles(const std::vector<std::string>& files)
{
    if (files.empty()) {
        std::cerr << "verpmail-bouncer: --parse needs at least one FILE (see --help)\n";
        return toInt(ExitStatus::Usage);
    }
    ExitStatus status = ExitStatus::Ok;
    for (const std::string& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            std::cerr << "verpmail-bouncer: cannot read " << printable(file) << "\n";
            status = ExitStatus::NoInput;
            continue;
        }
        const ParseLimits limits;
        const BoundedRead input = readBounded(in, limits.maxBytes);
        std::cout << returnToJson(file, parseReturn(input.data, limits)) << '\n';
    }
    return toInt(status);
}

} // namespace verpmail
