#include "SenderApp.h"

#include "MemberPages.h"
#include "MessageTemplate.h"
#include "SendJournal.h"
#include "SmtpBatch.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Printable.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Stopwatch.h>
#include <Poco/URI.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace verpmail {
namespace {

constexpr std::size_t kMaxMessageFileBytes = 50 * 1024 * 1024;

bool validCampaignId(const std::string& id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (const char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

std::string newCampaignId(const std::string& list)
{
    std::random_device random;
    char suffix[9];
    std::snprintf(suffix, sizeof suffix, "%08x", random());
    return list + "-" + Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y%m%dT%H%M%S") + "-" + suffix;
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

std::string hexPrefix(const Sha256Digest& digest, std::size_t chars)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; out.size() < chars && i < digest.size(); ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out.substr(0, chars);
}

std::string fillPlaceholders(std::string text, const std::string& list, const std::string& address,
                             const std::string& token, bool urlEncode)
{
    auto replaceAll = [&text](const std::string& from, const std::string& to) {
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    };
    std::string encodedAddress = address;
    if (urlEncode) {
        encodedAddress.clear();
        Poco::URI::encode(address, "&=+?#/@", encodedAddress);
    }
    replaceAll("{list}", list);
    replaceAll("{address}", encodedAddress);
    replaceAll("{token}", token);
    return text;
}

/// Everything a member's message needs that does not change within the run.
struct RunContext
{
    const ListInfo& list;
    const std::string& campaign;
    const VerpCodec& codec;
    const SendSettings& send;
    const MessageTemplate& message;
    std::string listIdDomain;
    std::string date;
};

PersonalHeaders personalHeaders(const RunContext& run, const EmailAddress& address, const std::string& name,
                                const std::string& envelopeSender)
{
    PersonalHeaders h;
    const std::string email = address.normalized();
    const std::string token =
        run.codec.settings().key.empty() ? std::string() : run.codec.tokenLocalPart(address).substr(run.codec.settings().prefix.size() + 1);
    h.fields.emplace_back("To", formatMailbox(name, address.str()));
    h.fields.emplace_back("Message-ID", "<" + run.campaign + "." + hexPrefix(sha256(run.campaign + "\n" + email), 20) + "@" +
                                            run.listIdDomain + ">");
    h.fields.emplace_back("Date", run.date);
    h.fields.emplace_back("List-Id", "<" + run.list.name + "." + run.listIdDomain + ">");

    std::string unsubscribe;
    if (!run.send.unsubscribeMailto.empty())
        unsubscribe = "<mailto:" + fillPlaceholders(run.send.unsubscribeMailto, run.list.name, email, token, false) + ">";
    std::string url;
    if (!run.send.unsubscribeUrl.empty()) {
        url = fillPlaceholders(run.send.unsubscribeUrl, run.list.name, email, token, true);
        unsubscribe += (unsubscribe.empty() ? "<" : ", <") + url + ">";
    }
    if (!unsubscribe.empty())
        h.fields.emplace_back("List-Unsubscribe", unsubscribe);
    // RFC 8058 one-click needs an https URI to POST to.
    if (url.compare(0, 8, "https://") == 0)
        h.fields.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    h.fields.emplace_back("X-Verpmail-Campaign", run.campaign);
    h.fields.emplace_back("X-Verpmail-Envelope", "<" + envelopeSender + ">");
    return h;
}

struct Pending
{
    Claim claim;
    std::string envelopeSender;
    std::string wire;
};

} // namespace

SenderApp::SenderApp() : ProgramBase("verpmail-send", false) {}

void SenderApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    options.addOption(Poco::Util::Option("list", "l", "list name").required(false).repeatable(false).argument("NAME"));
    options.addOption(Poco::Util::Option("message", "m", "message file").required(false).repeatable(false).argument("FILE"));
    options.addOption(Poco::Util::Option("campaign", "", "campaign id").required(false).repeatable(false).argument("ID"));
    options.addOption(Poco::Util::Option("dry-run", "n", "decide, do not send").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("json", "j", "JSON summary").required(false).repeatable(false));
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
    else if (name == "dry-run")
        _dryRun = true;
    else if (name == "json")
        _json = true;
}

void SenderApp::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-send - mail a list, one message per member, each with its own VERP sender\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-send --list NAME --message FILE [--campaign ID] [--dry-run] [--json]\n"
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
        "  A run is a campaign. Every member is claimed in send_log before its message is\n"
        "  submitted and settled after, so rerunning the same --campaign after a crash or\n"
        "  kill mails only the members not yet handled; a message whose fate is unknown\n"
        "  (killed between DATA and the reply) is reported as uncertain, never resent.\n"
        "\n"
        "OPTIONS\n"
        "  --list NAME         the list to mail (required)\n"
        "  --message FILE      the message template (required)\n"
        "  --campaign ID       name of this run, [A-Za-z0-9._-]{1,64}; reuse it to resume\n"
        "                      (default: NAME-<UTC time>-<random>)\n"
        "  --dry-run           apply the policy and count, send and write nothing\n"
        "  --json              print the summary as one JSON object: campaign, attempted,\n"
        "                      accepted, rejected, deferred, uncertain, already_done,\n"
        "                      suppressed, suppressed_by_reason, seconds\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  0   every member was handled (per-recipient rejections are in the summary)\n"
        "  64  usage error        65  unknown list or unusable message file\n"
        "  66  message file cannot be read\n"
        "  70  internal error     75  database or SMTP server unavailable: rerun later\n"
        "  78  configuration error\n";
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
        code = e.isTransient() ? ExitStatus::TempFail : ExitStatus::Software;
        error = std::string("database: ") + e.what() +
                (e.errorNumber() == 1146 ? " (run: verpmail-admin db migrate)" : "");
    } catch (const SmtpUnavailable& e) {
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
        if (summary.attempted == 0 && summary.suppressed == 0)
            return toInt(code);
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
    const SmtpSettings smtp = smtpSettingsFrom(config());
    const SendSettings sendSettings = sendSettingsFrom(config());
    const VerpCodec codec(verpSettingsFrom(config()));
    const MysqlOptions mysql = mysqlOptionsFrom(config());

    const MessageTemplate message = MessageTemplate::parse(readMessageFile(_messageFile));
    if (!message.ok())
        throw InputError(ExitStatus::DataErr, "message file " + _messageFile + ": " + message.problem());

    MysqlConnection db(mysql);
    const std::optional<ListInfo> list = ListStore(db).find(_list);
    if (!list)
        throw InputError(ExitStatus::DataErr, "unknown list \"" + printable(_list, 64) +
                                                "\" (create it with: verpmail-admin list create NAME --from ADDRESS)");

    summary.campaign = _campaign.empty() ? newCampaignId(list->name) : _campaign;
    SendJournal journal(db, summary.campaign);
    if (!_dryRun && !journal.openCampaign(list->id, _messageFile))
        throw InputError(ExitStatus::DataErr, "campaign \"" + summary.campaign + "\" belongs to another list");

    RunContext run{*list, summary.campaign, codec, sendSettings, message,
                   sendSettings.listIdDomain.empty() ? codec.settings().domain : sendSettings.listIdDomain,
                   Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::RFC1123_FORMAT)};

    unsigned batchNumber = 0;
    std::vector<Pending> batch;
    auto flush = [&]() {
        if (batch.empty())
            return;
        ++batchNumber;
        std::vector<Claim> wanted;
        for (const Pending& p : batch)
            wanted.push_back(p.claim);
        const std::vector<Claim> claimed = journal.claim(wanted);
        summary.alreadyDone += wanted.size() - claimed.size();
        summary.attempted -= wanted.size() - claimed.size();

        SmtpBatch smtpBatch(smtp, summary.campaign);
        std::size_t next = 0;
        for (const Claim& c : claimed) {
            while (batch[next].claim.email != c.email)
                ++next;
            smtpBatch.add(batch[next].envelopeSender, c.email, std::move(batch[next].wire));
        }
        try {
            smtpBatch.run();
        } catch (const SmtpUnavailable&) {
            journal.settle(claimed, std::vector<SubmitResult>(claimed.size()));  // release: nothing was sent
            summary.attempted -= claimed.size();
            throw;
        }
        std::uint64_t accepted = 0, rejected = 0, deferred = 0, uncertain = 0, notAttempted = 0;
        for (const SubmitResult& r : smtpBatch.results()) {
            switch (r.outcome) {
            case SubmitOutcome::Accepted: ++accepted; break;
            case SubmitOutcome::Rejected: ++rejected; break;
            case SubmitOutcome::Deferred: ++deferred; break;
            case SubmitOutcome::Uncertain: ++uncertain; break;
            case SubmitOutcome::NotAttempted: ++notAttempted; break;
            }
        }
        journal.settle(claimed, smtpBatch.results());
        summary.accepted += accepted;
        summary.rejected += rejected;
        summary.deferred += deferred;
        summary.uncertain += uncertain;
        summary.attempted -= notAttempted;
        log().information("campaign=%s batch=%u size=%z accepted=%Lu rejected=%Lu deferred=%Lu uncertain=%Lu not_attempted=%Lu",
                          summary.campaign, batchNumber, claimed.size(), static_cast<Poco::UInt64>(accepted),
                          static_cast<Poco::UInt64>(rejected), static_cast<Poco::UInt64>(deferred),
                          static_cast<Poco::UInt64>(uncertain), static_cast<Poco::UInt64>(notAttempted));
        batch.clear();
        if (notAttempted > 0)
            throw SmtpUnavailable("the SMTP session ended early; " + std::to_string(notAttempted) +
                                  " messages were not submitted (rerun with --campaign " + summary.campaign + ")");
    };

    MemberPages pages(db, list->id, summary.campaign, policy);
    for (std::vector<MemberRecord> page = pages.next(); !page.empty(); page = pages.next()) {
        std::vector<Suppression> suppressed;
        for (const MemberRecord& member : page) {
            ++summary.members;
            if (member.campaignStatus) {
                ++summary.alreadyDone;
                continue;
            }
            const std::optional<EmailAddress> address = EmailAddress::parse(member.email);
            if (!address) {
                ++summary.suppressed;
                ++summary.suppressedByReason["invalid-address"];
                continue;
            }
            const PolicyDecision decision = decide(policy, member.history);
            const std::string encodedFrom = codec.localPart(*address);
            if (decision.verdict == Verdict::Suppress) {
                ++summary.suppressed;
                ++summary.suppressedByReason[decision.reason];
                suppressed.push_back({member.email, encodedFrom, decision.reason});
                continue;
            }
            ++summary.attempted;
            if (_dryRun)
                continue;
            const std::string envelopeSender = encodedFrom + "@" + codec.settings().domain;
            batch.push_back({{member.email, encodedFrom}, envelopeSender,
                             message.compose(personalHeaders(run, *address, member.name, envelopeSender))});
            if (batch.size() >= smtp.batchSize)
                flush();
        }
        if (!_dryRun)
            journal.suppress(suppressed);
    }
    if (!_dryRun) {
        flush();
        journal.closeCampaign();
    }
    return ExitStatus::Ok;
}

} // namespace verpmail
