#include "check/CheckCommand.h"

#include "check/CheckReport.h"
#include "check/DaemonCheck.h"
#include "check/SubmissionCheck.h"
#include "check/DatabaseChecks.h"
#include "check/FileChecks.h"
#include "check/KeyCheck.h"
#include "check/PostfixChecks.h"
#include "check/ReturnCheck.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <unistd.h>

namespace verpmail::check {
namespace {

constexpr unsigned kReturnTimeoutSeconds = 60;

std::string key(const Poco::Util::AbstractConfiguration& config, const keys::Key& k)
{
    return Poco::trim(config.getString(k.name, k.defaultValue ? k.defaultValue : ""));
}

std::vector<std::string> listenAddresses(const std::string& value)
{
    std::vector<std::string> out;
    Poco::StringTokenizer parts(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    out.assign(parts.begin(), parts.end());
    return out;
}

unsigned bouncerTimeLimit(const Poco::Util::AbstractConfiguration& config)
{
    try {
        return bouncerSettingsFrom(config).timeLimitSeconds;
    } catch (const ConfigError&) {
        return 60;  // reported by checkSettings
    }
}

unsigned lmtpThreads(const Poco::Util::AbstractConfiguration& config)
{
    try {
        return static_cast<unsigned>(configInteger(config, keys::kBouncerLmtpThreads.name, 1, 1000));
    } catch (const ConfigError&) {
        return 10;  // reported by checkSettings
    }
}

// Every typed view of the configuration builds, as each program builds it at start-up.
bool checkSettings(const Poco::Util::AbstractConfiguration& config, const std::string& path, CheckReport& report)
{
    std::string problems;
    const auto attempt = [&](auto&& read) {
        try {
            read();
        } catch (const ConfigError& e) {
            problems += (problems.empty() ? "" : "; ") + std::string(e.what());
        }
    };
    attempt([&] { verpSettingsFrom(config); });
    attempt([&] { mysqlOptionsFrom(config); });
    attempt([&] { bouncerMysqlOptionsFrom(config); });
    attempt([&] { smtpSettingsFrom(config); });
    attempt([&] { sendSettingsFrom(config); });
    attempt([&] { policySettingsFrom(config); });
    attempt([&] { bouncerSettingsFrom(config); });
    if (!problems.empty()) {
        report.fail("config", problems, "correct the keys named (docs/examples/verpmail.properties)", path);
        return false;
    }
    report.ok("config", "parsed; verp.domain = " + key(config, keys::kVerpDomain), path);
    return true;
}

// Who runs the bouncer: bouncer.user, else Postfix's pipe user=, else the owner of
// the LMTP socket (the daemon created it).
std::optional<Account> bouncerAccount(const Poco::Util::AbstractConfiguration& config, const PostfixWiring& wiring,
                                      CheckReport& report)
{
    std::string name = key(config, keys::kBouncerUser);
    std::string source = "bouncer.user";
    std::optional<Account> account;
    if (name.empty() && wiring.mode == BouncerMode::Pipe && !wiring.pipeUser.empty()) {
        name = wiring.pipeUser;
        source = "master.cf user=";
    }
    if (!name.empty()) {
        account = lookupAccount(name);
    } else if (wiring.mode == BouncerMode::Lmtp) {
        for (const std::string& listen : listenAddresses(key(config, keys::kBouncerLmtpListen))) {
            const std::string path = Poco::icompare(listen.substr(0, 5), "unix:") == 0 ? listen.substr(5) : "";
            if (const std::optional<FileFacts> socket = statPath(path); socket && !account) {
                account = lookupAccount(socket->uid);
                name = userName(socket->uid);
                source = "the owner of " + path;
            }
        }
    }
    if (account)
        report.ok("bouncer.user", account->name + " (" + source + ")");
    else if (name.empty())
        report.warn("bouncer.user", "cannot tell which account runs verpmail-bouncer: its reads are not checked",
                    "set bouncer.user (the LMTP service's User=)");
    else
        report.fail("bouncer.user", "no such user \"" + name + "\" (" + source + ")", "create it, or correct " + source);
    return account;
}

std::vector<FileUse> fileUses(const ProgramBase& app, const Account& self, const std::optional<Account>& bouncer)
{
    const Poco::Util::AbstractConfiguration& config = app.config();
    std::vector<Account> both{self};
    if (bouncer)
        both.push_back(*bouncer);
    const std::vector<Account> bouncerOnly = bouncer ? std::vector<Account>{*bouncer} : std::vector<Account>{};
    std::vector<FileUse> uses;
    uses.push_back({"config", app.configPath(), FileRule::Readable, both});
    const std::string shared = key(config, keys::kMysqlOptionFile);
    const std::string own = key(config, keys::kBouncerMysqlOptionFile);
    uses.push_back({keys::kMysqlOptionFile.name, shared, FileRule::OptionFile, own.empty() ? both : std::vector<Account>{self}});
    if (!own.empty())
        uses.push_back({keys::kBouncerMysqlOptionFile.name, own, FileRule::OptionFile, bouncerOnly});
    uses.push_back({keys::kVerpKeyFile.name, key(config, keys::kVerpKeyFile), FileRule::Secret, both});
    // The unsubscribe tokens' key: the sender makes them when a link uses {token}; the
    // bouncer checks the mailto link's (verpmail-web has its own copy, docs/WEB.md).
    const bool mailtoToken = key(config, keys::kSendUnsubscribeMailto).find("{token}") != std::string::npos;
    const bool urlToken = key(config, keys::kSendUnsubscribeUrl).find("{token}") != std::string::npos;
    if (mailtoToken || urlToken)
        uses.push_back({keys::kUnsubscribeKeyFile.name, key(config, keys::kUnsubscribeKeyFile), FileRule::Secret,
                        mailtoToken ? both : std::vector<Account>{self}});
    if (const std::string auth = key(config, keys::kSmtpAuthFile); !auth.empty())
        uses.push_back({keys::kSmtpAuthFile.name, auth, FileRule::Secret, {self}});
    if (const std::string ca = key(config, keys::kSmtpTlsCaFile); !ca.empty())
        uses.push_back({keys::kSmtpTlsCaFile.name, ca, FileRule::Readable, {self}});
    // IMAP intake's files (bouncer.imap.*File): a password must be private.
    Poco::Util::AbstractConfiguration::Keys imapKeys;
    config.keys("bouncer.imap", imapKeys);
    for (const std::string& k : imapKeys) {
        const std::string value = Poco::trim(config.getString("bouncer.imap." + k, ""));
        if (value.empty() || k.size() <= 4 || k.compare(k.size() - 4, 4, "File") != 0)
            continue;
        const bool secret = Poco::toLower(k).find("password") != std::string::npos;
        uses.push_back({"bouncer.imap." + k, value, secret ? FileRule::Secret : FileRule::Readable, bouncerOnly});
    }
    return uses;
}

std::vector<DatabaseAccount> databaseAccounts(const Poco::Util::AbstractConfiguration& config)
{
    std::vector<DatabaseAccount> accounts;
    const MysqlOptions shared = mysqlOptionsFrom(config);
    const MysqlOptions bouncer = bouncerMysqlOptionsFrom(config);
    const bool sameFile = bouncer.optionFile == shared.optionFile;
    accounts.push_back({sameFile ? "sender, admin, bouncer" : "sender, admin", shared, true});
    if (!sameFile)
        accounts.push_back({"bouncer", bouncer, false});
    return accounts;
}

ExitStatus runChecks(ProgramBase& app, std::ostream& out)
{
    CheckReport report;
    const Poco::Util::AbstractConfiguration& config = app.config();
    const bool settingsOk = checkSettings(config, app.configPath(), report);
    PostfixWiring wiring;
    const std::string domain = key(config, keys::kVerpDomain);
    const std::vector<std::string> lmtpListen = listenAddresses(key(config, keys::kBouncerLmtpListen));
    const std::string policyListen = key(config, keys::kBouncerPolicyListen);
    if (!domain.empty())
        wiring = checkPostfix(Postconf(key(config, keys::kPostfixConfigDirectory)),
                              {domain, lmtpListen, policyListen, bouncerTimeLimit(config), lmtpThreads(config)},
                              report);
    const std::optional<Account> self = lookupAccount(::geteuid());
    const std::optional<Account> bouncer = bouncerAccount(config, wiring, report);
    if (self)
        checkFiles(fileUses(app, *self, bouncer), report);
    if (settingsOk)
        checkDatabases(databaseAccounts(config), report);
    checkKey(key(config, keys::kVerpKeyFile), key(config, keys::kVerpKeyBackupFile), report);
    if (wiring.mode == BouncerMode::Lmtp)
        checkDaemon(lmtpListen, policyListen, domain, report);
    if (settingsOk)
        checkSubmission(key(config, keys::kSmtpServer), report);
    report.print(out);
    return report.passed() ? ExitStatus::Ok : ExitStatus::Config;
}

} // namespace

ExitStatus runCheck(ProgramBase& app, const std::string& returnAddress, std::ostream& out)
{
    try {
        app.loadSettings();
    } catch (const ConfigError& e) {
        CheckReport report;
        report.fail("config", e.what(), "give --config FILE or set VERPMAIL_CONFIG", app.configPath());
        report.print(out);
        return ExitStatus::Config;
    }
    if (returnAddress.empty())
        return runChecks(app, out);
    CheckReport report;
    const ExitStatus status = checkReturn(app.config(), returnAddress, kReturnTimeoutSeconds, report);
    report.print(out);
    return status;
}

const char* checkHelp()
{
    return "  check [--return ADDRESS]\n"
           "      Check the installation, one line per check: ok, warn or FAIL, the check's\n"
           "      name, the file it is about, what was found and, unless ok, what to fix,\n"
           "      then a summary line (check result=ok|FAIL passed= warnings= failed=).\n"
           "      Run it as root: it reads every file as the accounts that will read it.\n"
           "      config       the properties file parses and every key is valid.\n"
           "      postfix.*    through postconf -c postfix.configDirectory [/etc/postfix]:\n"
           "                   the transport map routes verp.domain to a master.cf service;\n"
           "                   LMTP: lmtp(8), not chrooted, lmtp_line_length_limit=0, its\n"
           "                   next hop one of bouncer.lmtp.listen, and smtpd's recipient\n"
           "                   restrictions reach check_policy_service bouncer.policy.listen;\n"
           "                   pipe: pipe(8) with user=, recipient limit 1, its time limit\n"
           "                   above bouncer.timeLimit. warn: verp.domain not in relay_domains;\n"
           "                   LMTP: the service's _destination_concurrency_limit above\n"
           "                   bouncer.lmtp.threads (the connections beyond them wait).\n"
           "      bouncer.user the account that runs verpmail-bouncer: bouncer.user, else\n"
           "                   the pipe service's user=, else the LMTP socket's owner.\n"
           "      file.*       the properties file, each MySQL option file, verp.keyFile,\n"
           "                   smtp.authFile, smtp.tlsCaFile and bouncer.imap.*File: present,\n"
           "                   mode and owner as the programs demand (secrets 0600; option\n"
           "                   files also owned by the reader or root), and readable,\n"
           "                   directories included, by each account that reads them (this\n"
           "                   user, the bouncer's), judged from mode bits and groups.\n"
           "      database.*   each account's option file connects (sender and admin:\n"
           "                   mysql.optionFile; bouncer: bouncer.mysql.optionFile); the\n"
           "                   schema is current (else: db migrate).\n"
           "      key.*        the VERP key holds 16 bytes or more; verp.keyBackupFile, if\n"
           "                   set, holds the same key (warn when unset: back the key up).\n"
           "      daemon.*     LMTP mode: the bouncer answers LHLO on each bouncer.lmtp.listen\n"
           "                   address and its policy service answers a request.\n"
           "      smtp.server  the sender's server answers EHLO; warn (smtp.chunking) when\n"
           "                   it offers CHUNKING, which makes sending about 4 times slower.\n"
           "      --return ADDRESS: only this: send a synthetic return (a delay notice,\n"
           "      recorded as type none, which no policy rule counts) for ADDRESS, a member\n"
           "      verpmail-send has mailed, to its VERP address through smtp.server with\n"
           "      the sender's smtp.* settings, and wait up to 60 s for the bouncer to\n"
           "      record it; prints the bounce_logs row (id, type, reason, status).\n"
           "      Exit 0 when every check passed (warnings allowed) or the return was\n"
           "      recorded; 78 when a check failed or the configuration cannot be read;\n"
           "      --return: 65 ADDRESS is no member that was mailed, 69 the SMTP server\n"
           "      did not take the return, 75 not recorded within 60 s.\n";
}

} // namespace verpmail::check
