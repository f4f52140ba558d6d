#include "SenderApp.h"

#include "CampaignQueue.h"
#include "ClaimLease.h"
#include "MemberPages.h"
#include "MessageTemplate.h"
#include "Progress.h"
#include "RateLimiter.h"
#include "SendWorker.h"
#include "StopSignals.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/DeadlockRetry.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/CampaignId.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Printable.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Stopwatch.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace verpmail {
namespace {

constexpr std::size_t kMaxMessageFileBytes = 50 * 1024 * 1024;

std::string newCampaignId(const std::string& list)
{
    std::random_device random;
    char suffix[9];
    std::snprintf(suffix, sizeof suffix, "%08x", random());
    return list + "-" + Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y%m%dT%H%M%S") + "-" + suffix;
}

unsigned parseCount(const std::string& text, const char* option, unsigned min, unsigned max)
{
    unsigned value = 0;
    if (!Poco::NumberParser::tryParseUnsigned(Poco::trim(text), value) || value < min || value > max)
        throw InputError(ExitStatus::Usage, std::string(option) + " must be a whole number from " + std::to_string(min) +
                                               " to " + std::to_string(max));
    return value;
}

/// "200", "200/s" or "12000/min" -> messages per second.
double parseRate(std::string text)
{
    double divisor = 1;
    if (text.size() > 2 && text.compare(text.size() - 2, 2, "/s") == 0) {
        text.resize(text.size() - 2);
    } else if (text.size() > 4 && text.compare(text.size() - 4, 4, "/min") == 0) {
        text.resize(text.size() - 4);
        divisor = 60;
    }
    double value = 0;
    if (!Poco::NumberParser::tryParseFloat(Poco::trim(text), value) || value <= 0 || value > 1e6)
        throw InputError(ExitStatus::Usage, "--rate must be a positive number of messages per second (N, N/s or N/min)");
    return value / divisor;
}

std::string hexDigest(const std::string& bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char c : sha256(bytes)) {
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    return hex;
}

std::string readMessageFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(ExitStatus::NoInput, "cannot read message file " + path + ": " + std::strerror(errno));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad())
        throw InputError(ExitStatus::NoInput, "cannot read message file " + path);
    std::string data = bytes.str();
    if (data.size() > kMaxMessageFileBytes)
        throw InputError(ExitStatus::DataErr, "message file " + path + " is larger than 50 MiB");
    return data;
}

} // namespace

SenderApp::SenderApp() : ProgramBase("verpmail-send", false) {}

void SenderApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    options.addOption(Poco::Util::Option("list", "l", "list name").required(false).repeatable(false).argument("NAME"));
    options.addOption(Poco::Util::Option("message", "m", "message file").required(false).repeatable(false).argument("FILE"));
    options.addOption(Poco::Util::Option("campaign", "", "campaign id").required(false).repeatable(false).argument("ID"));
    options.addOption(Poco::Util::Option("resume", "", "continue the unfinished campaign").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("new-campaign", "", "start another campaign").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("dry-run", "n", "decide, do not send").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("json", "j", "JSON summary").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("rate", "r", "messages per second").required(false).repeatable(false).argument("N/s"));
    options.addOption(Poco::Util::Option("connections", "", "parallel SMTP sessions").required(false).repeatable(false).argument("N"));
}

void SenderApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "list")
        _list = value;
    else if (name == "message")
        _messageFile = value;
    else if (name == "campaign")
        _campaign = value;
    else if (name == "resume")
        _resume = true;
    else if (name == "new-campaign")
        _newCampaign = true;
    else if (name == "dry-run")
        _dryRun = true;
    else if (name == "json")
        _json = true;
    else if (name == "rate")
        _rate = value;
    else if (name == "connections")
        _connections = value;
}

void SenderApp::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-send - mail a list, one message per member, each with its own VERP sender\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-send --list NAME --message FILE [--campaign ID | --resume | --new-campaign]\n"
        "                [--dry-run] [--json] [--rate N[/s|/min]] [--connections N]\n"
        "                [--config FILE] [--define KEY=VALUE]...\n"
        "\n"
        "DESCRIPTION\n"
        "  Reads the list's active members, asks the bounce policy about each address, and\n"
        "  submits one copy of the RFC 5322 message in FILE per member to the SMTP server in\n"
        "  smtp.server (normally the local Postfix), with the envelope sender\n"
        "  <verp.prefix>-<token>@<verp.domain>. Each copy gets its own To, Message-ID, Date,\n"
        "  List-Id, List-Unsubscribe (mailto and https, with RFC 8058 One-Click) and\n"
        "  X-Verpmail-Campaign headers; the body is passed through unchanged. Submissions\n"
        "  ask for DSNs with NOTIFY=FAILURE, RET=HDRS and ENVID=<campaign>.\n"
        "\n"
        "  Policy (see policy.* keys): an address is suppressed after policy.hard.threshold\n"
        "  hard bounces (default 1), policy.soft.threshold soft bounces within\n"
        "  policy.soft.windowDays days (default 3 in 30), or policy.complaint.threshold\n"
        "  complaints (default 1). Blocks never count. IgnoreBounces=1 overrides all.\n"
        "\n"
        "  Key rotation: after replacing verp.keyFile, name the old key in\n"
        "  verp.previousKeyFile. Each address mailed again keeps its old token beside the new\n"
        "  one for verp.previousKeyDays (30) days, so returns of mail sent under the old key\n"
        "  are still attributed.\n"
        "\n"
        "  A run works one campaign; its id is printed on stderr when the run starts.\n"
        "  send_log is the campaign's queue, shared by any number of verpmail-send\n"
        "  processes on any hosts: a member is claimed under the process's lease\n"
        "  (send_claimers, renewed while it lives, send.leaseTime) before its message is\n"
        "  submitted and settled after. Each of the smtp.connections sessions takes\n"
        "  smtp.batchSize (25) members at a time and settles them as soon as the last one\n"
        "  has its reply; the next batch joins the same session, until it has carried\n"
        "  smtp.messagesPerSession (250) messages. A 4xx is retried as Postfix's queue\n"
        "  retries: after send.minimalBackoff (300s), doubling up to send.maximalBackoff\n"
        "  (4000s), until send.queueLifetime (5d) has passed since the first 4xx; then the\n"
        "  member is reported deferred. A run waits for retries due within 30 seconds;\n"
        "  later ones are left to a later run (cron: verpmail-send --resume ...), and the\n"
        "  run exits 75.\n"
        "\n"
        "  SIGTERM or SIGINT stops a run cleanly: no new claims, the open SMTP sessions\n"
        "  finish and are settled, exit 75; a second signal stops it at once. After a kill\n"
        "  (or a lost host) the next run of the campaign, or any run once the lease has\n"
        "  run out, takes the dead process's claims over: members whose batch was not yet\n"
        "  in a session go back to the queue; only those of the batch a session was\n"
        "  sending (at most smtp.batchSize per connection) are reported uncertain, never\n"
        "  resent (verpmail-admin campaign requeue resends them if you choose to).\n"
        "\n"
        "  Only a 5xx to RCPT says something about a member: it is recorded as a bounce. A\n"
        "  5xx to MAIL or DATA (a milter, header_checks, a size limit) is about the message:\n"
        "  the run stops with exit 65 and the server's words, and nothing is recorded\n"
        "  against anyone; the members stay queued.\n"
        "\n"
        "OPTIONS\n"
        "  --list NAME         the list to mail (required)\n"
        "  --message FILE      the message template (required)\n"
        "  --campaign ID       the campaign to start or continue, [A-Za-z0-9._-]{1,64}\n"
        "                      (default: a new one, NAME-<UTC time>-<random>)\n"
        "  --resume            continue the newest unfinished campaign of the list with this\n"
        "                      message (same bytes); nothing to do (exit 0) when there is none\n"
        "  --new-campaign      start a new campaign although one of the list with this\n"
        "                      message is unfinished (without it, that is refused: exit 64)\n"
        "  --rate N[/s|/min]   submit at most N messages per second (or minute), over all\n"
        "                      sessions (default: as fast as the server takes them)\n"
        "  --connections N     SMTP sessions in parallel, 1-64 (default smtp.connections, 8)\n"
        "  --dry-run           apply the policy and count, send and write nothing\n"
        "  --json              print the summary as one JSON object: campaign, attempted,\n"
        "                      accepted, rejected, deferred, queued, uncertain, already_done,\n"
        "                      suppressed, suppressed_by_reason, seconds\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  0   every member was handled (per-recipient rejections are in the summary)\n"
        "  64  usage error, or an unfinished campaign of this list and message exists\n"
        "      (--resume or --new-campaign)\n"
        "  65  unknown list or unusable message file, or the SMTP server refused the\n"
        "      message at MAIL or DATA (the members stay queued)\n"
        "  66  message file cannot be read\n"
        "  70  internal error\n"
        "  75  run again later: stopped by a signal, members queued for a retry that is not\n"
        "      due yet, or the database or SMTP server unavailable\n"
        "  78  configuration error, or the SMTP server refused smtp.authFile's credentials\n"
        "      (or offers no AUTH); the members not sent stay queued for a rerun\n";
}

int SenderApp::main(const std::vector<std::string>& args)
{
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }
    auto fail = [](ExitStatus code, const std::string& message) {
        std::cerr << "verpmail-send: " << message << "\n";
        return toInt(code);
    };
    if (!args.empty())
        return fail(ExitStatus::Usage, "unexpected argument \"" + printable(args.front()) + "\" (see --help)");
    if (_list.empty() || _messageFile.empty())
        return fail(ExitStatus::Usage, "--list and --message are required (see --help)");
    if (!_campaign.empty() && !validCampaignId(_campaign))
        return fail(ExitStatus::Usage, "--campaign must be 1-64 characters of A-Z a-z 0-9 . _ -");
    if (int(!_campaign.empty()) + int(_resume) + int(_newCampaign) > 1)
        return fail(ExitStatus::Usage, "--campaign, --resume and --new-campaign exclude each other (see --help)");

    ::signal(SIGPIPE, SIG_IGN);  // a server that drops the connection must not kill us
    SendSummary summary;
    summary.dryRun = _dryRun;
    Poco::Stopwatch clock;
    clock.start();
    ExitStatus code = ExitStatus::Ok;
    std::string error;
    try {
        loadSettings();
        code = send(summary);
    } catch (const InputError& e) {
        code = e.code();
        error = e.what();
    } catch (const ConfigError& e) {
        code = ExitStatus::Config;
        error = e.what();
    } catch (const MysqlError& e) {
        code = e.isAccountRefused() ? ExitStatus::Config : e.isTransient() ? ExitStatus::TempFail : ExitStatus::Software;
        error = "database: " + e.describe();
    } catch (const SmtpAuthFailed& e) {
        // Refused credentials, or no AUTH offered: a rerun will not help until the
        // configuration changes. A 4xx reply to AUTH is temporary.
        code = e.permanent() ? ExitStatus::Config : ExitStatus::TempFail;
        error = e.what();
    } catch (const SmtpUnavailable& e) {
        code = ExitStatus::TempFail;
        error = e.what();
    } catch (const SubmissionRefused& e) {
        code = ExitStatus::DataErr;
        error = "the SMTP server refused the message itself: " + std::string(e.what()) +
                "; nothing was recorded against the members, who stay queued: fix the message or the server's "
                "checks, then resume with --campaign " + summary.campaign;
    } catch (const ClaimLost& e) {
        code = ExitStatus::TempFail;
        error = e.what();
    } catch (const RunStopped& e) {
        code = ExitStatus::TempFail;
        error = e.what();
    } catch (const std::exception& e) {
        code = ExitStatus::Software;
        error = std::string("internal error: ") + e.what();
    }
    summary.seconds = static_cast<double>(clock.elapsed()) / 1e6;
    if (code == ExitStatus::Ok)
        log().information("list=%s status=done %s", _list, summary.toLine());
    if (code != ExitStatus::Ok) {
        log().error("campaign=%s status=failed exit=%d reason=\"%s\"", summary.campaign, toInt(code), printable(error, 300));
        std::cerr << "verpmail-send: " << error << "\n";
        if (summary.members == 0)
            return toInt(code);  // stopped before the campaign was opened: no summary to give
    }
    if (_json)
        std::cout << summary.toJson() << std::endl;
    else
        std::cout << summary.toLine() << std::endl;
    return toInt(code);
}

ExitStatus SenderApp::send(SendSummary& summary)
{
    const PolicySettings policy = policySettingsFrom(config());
    SmtpSettings smtp = smtpSettingsFrom(config());
    const SendSettings sendSettings = sendSettingsFrom(config());
    const VerpCodec codec(verpSettingsFrom(config()));
    const MysqlOptions mysql = mysqlOptionsFrom(config());
    if (!_connections.empty())
        smtp.connections = parseCount(_connections, "--connections", 1, 64);
    const double rate = _rate.empty() ? 0.0 : parseRate(_rate);

    std::string bytes = readMessageFile(_messageFile);
    const std::string digest = hexDigest(bytes);
    const MessageTemplate message = MessageTemplate::parse(std::move(bytes));
    if (!message.ok())
        throw InputError(ExitStatus::DataErr, "message file " + _messageFile + ": " + message.problem());

    for (const std::string& warning : message.warnings())
        log().warning("message=%s warning=\"%s\"", _messageFile, printable(warning, 200));

    MysqlConnection db(mysql);
    const std::optional<ListInfo> list = ListStore(db).find(_list);
    if (!list)
        throw InputError(ExitStatus::DataErr, "unknown list \"" + printable(_list, 64) +
                                                  "\" (create it with: verpmail-admin list create NAME --from ADDRESS)");
    const std::optional<std::string> campaign = chooseCampaign(db, *list, digest);
    if (!campaign) {
        std::cerr << "verpmail-send: list " << list->name << " has no unfinished campaign of " << _messageFile
                  << ": nothing to resume" << std::endl;
        return ExitStatus::Ok;
    }
    summary.campaign = *campaign;
    if (_dryRun)
        return dryRun(db, *list, policy, summary);

    StopSignals signals;  // before the first thread, so that every thread inherits the mask
    const ClaimLease lease(mysql, summary.campaign, sendSettings.leaseSeconds);
    CampaignQueue queue(summary.campaign, lease.id(), sendSettings, policy.softResetStreak);
    if (!withDeadlockRetry([&] { return queue.open(db, list->id, _messageFile, digest); }))
        throw InputError(ExitStatus::DataErr, "campaign \"" + summary.campaign + "\" belongs to another list");
    // Said first, so whoever stops this run (or finds it killed) knows how to resume it.
    std::cerr << "verpmail-send: campaign " << summary.campaign << " (to resume it: --campaign " << summary.campaign
              << ")" << std::endl;
    const Reclaimed reclaimed = withDeadlockRetry([&] { return reclaimDeadClaimers(db, summary.campaign, lease.id()); });
    if (reclaimed.requeued + reclaimed.uncertain > 0)
        log().warning("campaign=%s status=taken-over requeued=%Lu uncertain=%Lu", summary.campaign,
                      static_cast<Poco::UInt64>(reclaimed.requeued), static_cast<Poco::UInt64>(reclaimed.uncertain));
    const QueueCounts before = queue.counts(db);
    summary.members = before.total;
    summary.uncertain = reclaimed.uncertain;  // reported by this run, counted once
    summary.alreadyDone = before.done() - reclaimed.uncertain;

    // With a rate limit, smaller batches keep the flow smooth instead of bursty.
    if (rate > 0)
        smtp.batchSize = std::max(1u, std::min(smtp.batchSize, static_cast<unsigned>(rate / smtp.connections / 2)));
    RateLimiter limiter(rate);
    SendShared shared;
    shared.summary = summary;
    shared.rate = rate > 0 ? &limiter : nullptr;
    SendContext context{*list, message, codec, policy, smtp, sendSettings, mysql,
                              sendSettings.listIdDomain.empty() ? codec.settings().domain : sendSettings.listIdDomain,
                              Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::RFC1123_FORMAT)};
    std::optional<UnsubscribeTokens> unsubscribeTokens;
    if (!sendSettings.unsubscribeKey.empty()) {
        unsubscribeTokens.emplace(sendSettings.unsubscribeKey);
        context.unsubscribe = &*unsubscribeTokens;
    }
    std::unique_ptr<TlsClientContext> tls;
    if (smtp.starttls != StarttlsMode::No) {
        tls = std::make_unique<TlsClientContext>(smtp.tlsCaFile, smtp.tlsVerify);
        context.tls = tls.get();
    }
    runWorkers(context, queue, shared, signals, before);
    {
        std::lock_guard<std::mutex> lock(shared.mutex);
        summary = shared.summary;
    }
    const QueueCounts after = queue.counts(db);
    summary.deferred = after.deferred - std::min(after.deferred, before.deferred);
    summary.inFlightElsewhere = after.pending + after.submitting;
    summary.queued = after.queued;
    if (shared.error)
        std::rethrow_exception(shared.error);
    if (!signals.name().empty())
        throw RunStopped("stopped on " + signals.name() + "; the open SMTP sessions were finished and settled; " +
                         std::to_string(after.queued) + " members are still queued: resume with --campaign " +
                         summary.campaign);
    if (after.queued > 0)
        throw RunStopped(std::to_string(after.queued) + " members are queued for a later retry (answered 4xx, " +
                         "or held back for a domain incident): resume with --resume or --campaign " + summary.campaign +
                         " once they are due (" + nextDue(queue, db) + ")");
    withDeadlockRetry([&] { queue.close(db); });
    return ExitStatus::Ok;
}

void SenderApp::runWorkers(const SendContext& context, CampaignQueue& queue, SendShared& shared, StopSignals& signals,
                           const QueueCounts& before)
{
    std::vector<std::unique_ptr<SendWorker>> workers;
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < context.smtp.connections; ++i) {
        workers.push_back(std::make_unique<SendWorker>(context, queue, shared, log(), i));
        threads.emplace_back(&SendWorker::run, workers.back().get());
    }
    // Workers end by themselves when nothing is left to claim (or on the first fatal
    // error); meanwhile the main thread draws the progress line and takes the signals.
    Progress progress(before.total, before.done());
    while (shared.finished < threads.size()) {
        {
            std::lock_guard<std::mutex> lock(shared.mutex);
            progress.update(shared.summary.attempted + shared.summary.suppressed);
        }
        if (signals.wait(std::chrono::milliseconds(200)) && !shared.stop.exchange(true))
            log().notice("campaign=%s status=stopping signal=%s", queue.campaign(), signals.name());
    }
    for (std::thread& t : threads)
        t.join();
    progress.finish();
}

std::string SenderApp::nextDue(CampaignQueue& queue, MysqlConnection& db)
{
    const std::optional<unsigned> due = queue.secondsUntilNextDue(db);
    if (!due)
        return "now";
    return "the first in " + std::to_string(*due) + " s";
}

std::optional<std::string> SenderApp::chooseCampaign(MysqlConnection& db, const ListInfo& list,
                                                     const std::string& digest)
{
    if (!_campaign.empty())
        return _campaign;
    const std::optional<std::string> unfinished = CampaignQueue::findUnfinished(db, list.id, digest);
    if (_resume)
        return unfinished;
    if (unfinished && !_newCampaign && !_dryRun)
        throw InputError(ExitStatus::Usage,
                         "campaign " + *unfinished + " of list " + list.name + " with this message is unfinished: " +
                             "continue it with --resume (or --campaign " + *unfinished +
                             "), or start another one with --new-campaign");
    return newCampaignId(list.name);
}

ExitStatus SenderApp::dryRun(MysqlConnection& db, const ListInfo& list, const PolicySettings& policy, SendSummary& summary)
{
    summary.dryRun = true;
    const std::string now = utcNow();
    PolicyStore policyStore(db);
    MemberPages pages(db, list.id, summary.campaign);
    for (std::vector<MemberRecord> page = pages.next(); !page.empty(); page = pages.next()) {
        std::vector<std::string> emails;
        for (const MemberRecord& member : page)
            emails.push_back(member.email);
        const auto subjects = policyStore.load(emails, policy, now);
        for (const MemberRecord& member : page) {
            ++summary.members;
            if (member.campaignStatus && *member.campaignStatus != "queued") {
                ++summary.alreadyDone;
                continue;
            }
            const PolicySubject& subject = subjects.at(member.email);
            const PolicyDecision decision = evaluate(policy, subject.state, subject.facts, now);
            if (decision.verdict == Verdict::Suppress) {
                ++summary.suppressed;
                ++summary.suppressedByReason[decision.reason];
            } else {
                ++summary.attempted;
            }
        }
    }
    return ExitStatus::Ok;
}

} // namespace verpmail
