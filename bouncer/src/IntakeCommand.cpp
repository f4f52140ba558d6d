#include "IntakeCommand.h"

#include "DeliveryHeaders.h"
#include "ImapIntake.h"
#include "MaildirIntake.h"
#include "MboxIntake.h"
#include "MessageProcessor.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/ProgramBase.h"
#include "verpmail/config/Settings.h"
#include "verpmail/util/ExitStatus.h"
#include "verpmail/util/Printable.h"

#include <unistd.h>

#include <iostream>
#include <map>

namespace verpmail {
namespace {

/// Reports to whoever runs it (cron mails stderr) and to the log.
int intakeExit(Poco::Logger& log, ExitStatus status, const std::string& text)
{
    std::cerr << "verpmail-bouncer: " << printable(text, 500) << "\n";
    log.error("status=%s exit=%d reason=\"%s\"", std::string(status == ExitStatus::TempFail ? "deferred" : "error"),
              toInt(status), printable(text, 500));
    return toInt(status);
}

struct IntakeTally
{
    std::map<std::string, std::size_t> byOutcome;  ///< "recorded" -> 3, ...
    std::string lastError;                         ///< why the last message was left, for the summary

    std::size_t count(std::string_view name) const
    {
        const auto it = byOutcome.find(std::string(name));
        return it == byOutcome.end() ? 0 : it->second;
    }
};

/// Records one saved message and logs what a reader cannot store or must leave.
Outcome recordSaved(MessageProcessor& processor, IncomingMessage& message, IntakeTally& tally, Poco::Logger& log)
{
    // A mailbox keeps no envelope: the delivery headers stand in for it.
    const MailboxRecipient to = chooseRecipient(processor.codec(), deliveryAddresses(message.data));
    if (message.sender.empty())
        message.sender = returnPath(message.data);
    message.recipient = to.recipient;
    message.candidates = to.others;
    std::string detail;
    const Outcome outcome = processor.take(message, detail);
    ++tally.byOutcome[std::string(outcomeName(outcome))];
    if (!isRetryable(outcome)) {
        if (!isStored(outcome))
            log.error("%s status=%s reason=\"%s\"", printable(message.source, 200), std::string(outcomeName(outcome)),
                      printable(detail, 300));
        return outcome;
    }
    tally.lastError = std::string(outcomeName(outcome)) + ": " + detail;
    log.error("%s status=deferred reason=\"%s\"", printable(message.source, 200), printable(tally.lastError, 300));
    return outcome;
}

/// Reads the source through `record`.
IntakeResult readSource(const IntakeSource& source, Poco::Util::AbstractConfiguration& config, std::size_t maxBytes,
                        const OutcomeHandler& record)
{
    if (source.kind == IntakeSource::Kind::Imap) {
        const ImapIntakeSettings settings = imapIntakeSettingsFrom(config);
        ImapClient imap(settings.server);
        return processImap(imap, settings, maxBytes, record);
    }
    return source.kind == IntakeSource::Kind::Mbox ? processMbox(source.path, maxBytes, record)
                                                   : processMaildir(source.path, maxBytes, record);
}

std::string sourceName(const IntakeSource& source, Poco::Util::AbstractConfiguration& config)
{
    if (source.kind == IntakeSource::Kind::Imap)
        return "imap=" + config.getString(keys::kBouncerImapUrl.name, "");
    return (source.kind == IntakeSource::Kind::Mbox ? "mbox=" : "maildir=") + source.path;
}

} // namespace

int runIntakeCommand(ProgramBase& program, const IntakeSource& source, const std::vector<std::string>& args)
{
    Poco::Logger& logger = program.log();
    if (!args.empty())
        return intakeExit(logger, ExitStatus::Usage, "--mbox, --maildir and --imap take no other arguments (see --help)");
    if (::geteuid() == 0)
        return intakeExit(logger, ExitStatus::Usage, "refuses to run as root; run it as the mailbox's owner");

    std::string where = sourceName(source, program.config());
    IntakeResult result;
    IntakeTally tally;
    try {
        program.loadSettings();
        where = sourceName(source, program.config());
        const BouncerSettings bouncer = bouncerSettingsFrom(program.config());
        MessageProcessor processor(VerpCodec(verpSettingsFrom(program.config())), bouncerMysqlOptionsFrom(program.config()),
                                   bouncer, policySettingsFrom(program.config()), logger);
        const OutcomeHandler record = [&](IncomingMessage& saved) {
            return recordSaved(processor, saved, tally, logger);
        };
        result = readSource(source, program.config(), bouncer.maxMessageBytes, record);
    } catch (const IntakeError& e) {
        // Nothing unprocessed was removed; see MboxIntake.h for what a write failure leaves.
        return intakeExit(logger,
                          e.kind() == IntakeError::Kind::Unreadable ? ExitStatus::NoInput : ExitStatus::TempFail,
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
    const std::string summary =
        where + " messages=" + std::to_string(result.messages) + " processed=" + std::to_string(result.processed) +
        " recorded=" + std::to_string(tally.count("recorded") + tally.count("degraded")) +
        " duplicate=" + std::to_string(tally.count("duplicate")) +
        " unattributed=" + std::to_string(tally.count("unattributed")) +
        " refused=" + std::to_string(tally.count("refused")) + " left=" + std::to_string(result.left);
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
