#include "AdminApp.h"

#include "AccountsCommand.h"
#include "AddressCommands.h"
#include "Audit.h"
#include "CampaignCommands.h"
#include "ExplainCommand.h"
#include "MemberCommands.h"
#include "MemberFile.h"
#include "PolicyCommands.h"
#include "PurgeCommand.h"
#include "TokenCommands.h"
#include "ReportCommand.h"
#include "verpmail/report/ReportWindow.h"
#include "check/CheckCommand.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/Migrations.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/store/ReportCounters.h"
#include "verpmail/util/Printable.h"

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

namespace verpmail {
namespace {

void expectArgs(const std::vector<std::string>& args, std::size_t min, std::size_t max, const char* synopsis)
{
    if (args.size() < min || args.size() > max)
        throw AdminError(ExitStatus::Usage, std::string("usage: verpmail-admin ") + synopsis);
}

void expectArgs(const std::vector<std::string>& args, std::size_t count, const char* synopsis)
{
    expectArgs(args, count, count, synopsis);
}

bool onOff(const std::string& value)
{
    if (value == "on")
        return true;
    if (value == "off")
        return false;
    throw AdminError(ExitStatus::Usage, "usage: verpmail-admin ignore ADDRESS on|off");
}

} // namespace

AdminApp::AdminApp() : ProgramBase("verpmail-admin", false) {}

void AdminApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    auto valued = [&](const char* name, const char* help, const char* arg) {
        options.addOption(Poco::Util::Option(name, "", help).required(false).repeatable(false).argument(arg));
    };
    auto flag = [&](const char* name, const char* help) {
        options.addOption(Poco::Util::Option(name, "", help).required(false).repeatable(false));
    };
    options.addOption(Poco::Util::Option("from", "f", "list From address").required(false).repeatable(false).argument("ADDRESS"));
    valued("format", "output format", "FORMAT");
    valued("since", "report window", "WHEN");
    valued("older-than", "purge cutoff", "AGE");
    flag("skip-invalid", "import valid lines only");
    flag("dry-run", "count, change nothing");
    valued("return", "check: send a synthetic return", "ADDRESS");
    valued("status", "campaign requeue: the states", "STATES");
    valued("role", "token create: viewer, operator or admin", "ROLE");
    valued("address", "campaign requeue: one member", "ADDRESS");
    flag("create", "db accounts: create the accounts");
    valued("host", "db accounts: the accounts' host", "HOST");
    for (const AccountRole role : kAccountRoles) {
        _accountOptionNames.push_back(std::string(roleName(role)) + "-user");
        _accountOptionNames.push_back(std::string(roleName(role)) + "-password-file");
    }
    for (const std::string& name : _accountOptionNames)
        options.addOption(Poco::Util::Option(name, "", "db accounts").required(false).repeatable(false).argument("VALUE"));
}

void AdminApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "from")
        _from = value;
    else if (name == "format")
        _format = value;
    else if (name == "since")
        _since = value;
    else if (name == "older-than")
        _olderThan = value;
    else if (name == "skip-invalid")
        _skipInvalid = true;
    else if (name == "dry-run")
        _dryRun = true;
    else if (name == "return")
        _returnAddress = value;
    else if (name == "status")
        _status = value;
    else if (name == "role")
        _role = value;
    else if (name == "address")
        _address = value;
    else if (name == "create" || name == "host" || name.find("-user") != std::string::npos ||
             name.find("-password-file") != std::string::npos)
        _accountOptions[name] = value;
    else
        return;
    _given.insert(name);
}

int AdminApp::main(const std::vector<std::string>& args)
{
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }
    ExitStatus code = ExitStatus::Ok;
    std::string error;
    try {
        code = dispatch(args);
    } catch (const AdminError& e) {
        code = e.code();
        error = e.what();
    } catch (const ConfigError& e) {
        code = ExitStatus::Config;
        error = e.what();
    } catch (const MysqlError& e) {
        code = e.isAccountRefused() ? ExitStatus::Config : e.isTransient() ? ExitStatus::TempFail : ExitStatus::Software;
        error = "database: " + e.describe();
    } catch (const std::exception& e) {
        code = ExitStatus::Software;
        error = std::string("internal error: ") + e.what();
    }
    if (!error.empty())
        std::cerr << "verpmail-admin: " << error << "\n";
    return toInt(code);
}

void AdminApp::allowOptions(const std::string& command, std::initializer_list<const char*> allowed) const
{
    allowOptions(command, std::vector<std::string>(allowed.begin(), allowed.end()));
}

void AdminApp::allowOptions(const std::string& command, const std::vector<std::string>& allowed) const
{
    for (const std::string& given : _given) {
        bool ok = false;
        for (const std::string& a : allowed)
            ok = ok || given == a;
        if (!ok)
            throw AdminError(ExitStatus::Usage, "--" + given + " does not apply to " + command + " (see --help)");
    }
}

std::string AdminApp::format(std::initializer_list<const char*> allowed, const char* fallback) const
{
    if (_format.empty())
        return fallback;
    std::string list;
    for (const char* a : allowed) {
        if (_format == a)
            return _format;
        list += (list.empty() ? "" : "|") + std::string(a);
    }
    throw AdminError(ExitStatus::Usage, "--format must be " + list + ", not \"" + printable(_format, 20) + "\"");
}

MysqlConnection AdminApp::connect(bool wholeTables)
{
    loadSettings();
    MysqlOptions options = mysqlOptionsFrom(config());
    // A statement that reads a whole table of a large database runs for minutes;
    // mysql.readTimeout is sized for the short ones every other command sends.
    if (wholeTables)
        options.readTimeout = std::max(options.readTimeout, 3600u);
    return MysqlConnection(options);
}

ExitStatus AdminApp::dispatch(const std::vector<std::string>& args)
{
    if (args.empty())
        throw AdminError(ExitStatus::Usage, "a command is required (see --help)");
    const std::string& verb = args[0];
    const std::string sub = args.size() > 1 ? args[1] : "";
    const std::vector<std::string> rest1(args.begin() + 1, args.end());
    const std::vector<std::string> rest2(args.size() > 2 ? args.begin() + 2 : args.end(), args.end());

    // Each branch checks its arguments and options before touching the
    // configuration or the database.
    if (verb == "db" && sub == "migrate") {
        expectArgs(rest2, 0, "db migrate [--create --ROLE-password-file FILE]...");
        std::vector<std::string> allowed = {"create", "host"};
        allowed.insert(allowed.end(), _accountOptionNames.begin(), _accountOptionNames.end());
        allowOptions("db migrate", allowed);
        return dbMigrate();
    }
    if (verb == "db" && sub == "accounts") {
        expectArgs(rest2, 0, "db accounts [--create] [--host HOST] [--ROLE-user NAME]... [--ROLE-password-file FILE]...");
        std::vector<std::string> allowed = {"create", "host"};
        allowed.insert(allowed.end(), _accountOptionNames.begin(), _accountOptionNames.end());
        allowOptions("db accounts", allowed);
        return dbAccounts();
    }
    if (verb == "db" && sub == "recount") {
        expectArgs(rest2, 0, "db recount");
        allowOptions("db recount", {});
        return dbRecount();
    }
    if (verb == "list" && sub == "create") {
        expectArgs(rest2, 1, "list create NAME --from ADDRESS");
        allowOptions("list create", {"from"});
        return listCreate(rest2[0]);
    }
    if (verb == "members" && sub == "add") {
        expectArgs(rest2, 2, 3, "members add LIST ADDRESS [NAME]");
        allowOptions("members add", {});
        MysqlConnection db = connect();
        return membersAdd(db, rest2[0], rest2[1], rest2.size() > 2 ? rest2[2] : "", std::cout);
    }
    if (verb == "members" && sub == "remove") {
        expectArgs(rest2, 2, "members remove LIST ADDRESS");
        allowOptions("members remove", {});
        MysqlConnection db = connect();
        return membersRemove(db, rest2[0], rest2[1], std::cout);
    }
    if (verb == "members" && sub == "import") {
        expectArgs(rest2, 2, "members import LIST FILE [--skip-invalid]");
        allowOptions("members import", {"skip-invalid"});
        return membersImport(rest2[0], rest2[1]);
    }
    if (verb == "members" && sub == "export") {
        expectArgs(rest2, 1, "members export LIST [--format csv|json]");
        allowOptions("members export", {"format"});
        const std::string f = format({"csv", "json"}, "csv");
        MysqlConnection db = connect();
        return membersExport(db, rest2[0], f, std::cout);
    }
    if (verb == "unsubscribe" || verb == "resubscribe") {
        expectArgs(rest1, 2, verb == "unsubscribe" ? "unsubscribe LIST ADDRESS" : "resubscribe LIST ADDRESS");
        allowOptions(verb, {});
        MysqlConnection db = connect();
        return setSubscribed(db, rest1[0], rest1[1], verb == "resubscribe", std::cout);
    }
    if (verb == "reset") {
        expectArgs(rest1, 1, "reset ADDRESS");
        allowOptions("reset", {});
        MysqlConnection db = connect();
        return resetAddress(db, rest1[0], std::cout);
    }
    if (verb == "ignore") {
        expectArgs(rest1, 2, "ignore ADDRESS on|off");
        allowOptions("ignore", {});
        const bool on = onOff(rest1[1]);
        MysqlConnection db = connect();
        return ignoreAddress(db, rest1[0], on, std::cout);
    }
    if (verb == "explain") {
        expectArgs(rest1, 1, "explain ADDRESS");
        allowOptions("explain", {});
        MysqlConnection db = connect();
        return explainAddress(db, policySettingsFrom(config()), rest1[0], std::cout);
    }
    if (verb == "policy" && sub == "simulate") {
        expectArgs(rest2, 0, "policy simulate [--format table|json]");
        allowOptions("policy simulate", {"format"});
        const std::string f = format({"table", "json"}, "table");
        MysqlConnection db = connect();
        return simulatePolicy(db, config(), f, std::cout);
    }
    if (verb == "report")
        return report(rest1);
    if (verb == "campaign")
        return campaign(rest1);
    if (verb == "check") {
        expectArgs(rest1, 0, "check [--return ADDRESS]");
        allowOptions("check", {"return"});
        return check::runCheck(*this, _returnAddress, std::cout);
    }
    if (verb == "token" && sub == "create") {
        expectArgs(rest2, 1, "token create NAME --role viewer|operator|admin");
        allowOptions("token create", {"role"});
        if (_role.empty())
            throw AdminError(ExitStatus::Usage, "token create needs --role viewer|operator|admin");
        MysqlConnection db = connect();
        return createToken(db, rest2[0], _role, std::cout);
    }
    if (verb == "token" && sub == "list") {
        expectArgs(rest2, 0, "token list [--format table|json]");
        allowOptions("token list", {"format"});
        const std::string f = format({"table", "json"}, "table");
        MysqlConnection db = connect();
        return listTokens(db, f, std::cout);
    }
    if (verb == "token" && sub == "revoke") {
        expectArgs(rest2, 1, "token revoke NAME");
        allowOptions("token revoke", {});
        MysqlConnection db = connect();
        return revokeToken(db, rest2[0], std::cout);
    }
    if (verb == "purge") {
        expectArgs(rest1, 0, "purge --older-than AGE [--dry-run]");
        allowOptions("purge", {"older-than", "dry-run"});
        return purge();
    }
    const std::string shown = sub.empty() ? verb : verb + " " + sub;
    throw AdminError(ExitStatus::Usage, "unknown command \"" + printable(shown, 60) + "\" (see --help)");
}

ExitStatus AdminApp::dbMigrate()
{
    MysqlConnection db = connect(true);
    const std::vector<Migration> applied = migrate(db);
    for (const Migration& m : applied)
        std::cout << "applied " << m.name << "\n";
    std::cout << "schema version " << currentSchemaVersion(db) << (applied.empty() ? " (up to date)" : "") << "\n";
    // With account options, the accounts follow the schema they are granted on.
    return _accountOptions.empty() ? ExitStatus::Ok : dbAccounts();
}

ExitStatus AdminApp::dbAccounts()
{
    AccountsRequest request;
    request.create = _accountOptions.count("create") > 0;
    if (_accountOptions.count("host"))
        request.host = _accountOptions["host"];
    for (std::size_t i = 0; i < std::size(kAccountRoles); ++i) {
        const std::string role = roleName(kAccountRoles[i]);
        if (_accountOptions.count(role + "-user"))
            request.users[i] = _accountOptions[role + "-user"];
        if (_accountOptions.count(role + "-password-file"))
            request.passwordFiles[i] = _accountOptions[role + "-password-file"];
    }
    MysqlConnection db = connect();
    return verpmail::dbAccounts(db, request, std::cout);
}

ExitStatus AdminApp::dbRecount()
{
    MysqlConnection db = connect(true);
    Transaction tx(db);
    recountAll(db);
    MysqlStatement totals = db.prepare("SELECT COALESCE(SUM(hard + soft + block + complaint + autoreply + none + unattributed), 0),"
                                       " COALESCE(SUM(accepted + rejected), 0) FROM counts_day_campaign");
    totals.execute();
    totals.fetch();
    const std::string detail = "returns=" + totals.text(0) + " sends=" + totals.text(1);
    writeAudit(db, "recount", "counts", detail);
    tx.commit();
    std::cout << "recount " << detail << "\n";
    return ExitStatus::Ok;
}

ExitStatus AdminApp::listCreate(const std::string& name)
{
    if (!validListName(name))
        throw AdminError(ExitStatus::Usage, "list name must be 1-64 characters of a-z 0-9 . _ -, starting with a letter or digit");
    const std::optional<EmailAddress> from = EmailAddress::parse(_from);
    if (!from)
        throw AdminError(ExitStatus::Usage, _from.empty() ? "list create needs --from ADDRESS"
                                                        : "--from is not a valid address: \"" + printable(_from) + "\"");
    MysqlConnection db = connect();
    const std::optional<ListInfo> list = ListStore(db).create(name, from->str());
    if (!list)
        throw AdminError(ExitStatus::DataErr, "list \"" + name + "\" already exists");
    std::cout << "created list " << list->name << " id=" << list->id << " from=<" << list->fromAddress << ">\n";
    return ExitStatus::Ok;
}

ExitStatus AdminApp::membersImport(const std::string& listName, const std::string& file)
{
    std::ifstream in(file);
    if (!in)
        throw AdminError(ExitStatus::NoInput, "cannot read " + printable(file) + ": " + std::strerror(errno));
    const MemberFileResult parsed = readMemberFile(in);
    for (const std::string& e : parsed.errors)
        std::cerr << "verpmail-admin: " << file << ": " << e << "\n";
    if (!parsed.errors.empty() && !_skipInvalid)
        throw AdminError(ExitStatus::DataErr, "nothing imported: fix the lines above or use --skip-invalid");
    MysqlConnection db = connect();
    return verpmail::membersImport(db, listName, file, parsed.members, parsed.duplicates, parsed.errors.size(),
                                   std::cout);
}

ExitStatus AdminApp::report(const std::vector<std::string>& operands)
{
    const char* synopsis =
        "report summary|suppressed|domains|reasons|campaign [ID]|trend|incidents [--since 30d]"
        " [--format table|csv|json|html]";
    if (operands.empty() || !isReportName(operands[0]))
        throw AdminError(ExitStatus::Usage,
                         operands.empty() ? std::string("usage: verpmail-admin ") + synopsis
                                          : "unknown report \"" + printable(operands[0], 40) + "\" (see --help)");
    expectArgs(operands, 1, operands[0] == "campaign" ? 2 : 1, synopsis);
    allowOptions("report", {"since", "format"});
    const std::optional<ReportFormat> f = parseReportFormat(format({"table", "csv", "json", "html"}, "table"));
    const std::optional<ReportWindow> window = parseWindow(_since, std::time(nullptr));
    if (!window)
        throw AdminError(ExitStatus::Usage, "--since must be Nd, Nh or YYYY-MM-DD, not \"" + printable(_since, 40) + "\"");
    MysqlConnection db = connect();
    const std::optional<std::string> campaign =
        operands.size() > 1 ? std::optional<std::string>(operands[1]) : std::nullopt;
    return runReport(db, policySettingsFrom(config()), operands[0], campaign, *window, *f, std::cout);
}

ExitStatus AdminApp::purge()
{
    if (_olderThan.empty())
        throw AdminError(ExitStatus::Usage, "purge needs --older-than AGE (for example 90d)");
    const std::optional<ReportWindow> cutoff = parseWindow(_olderThan, std::time(nullptr));
    if (!cutoff || _olderThan.back() == 'h')
        throw AdminError(ExitStatus::Usage, "--older-than must be Nd or YYYY-MM-DD, not \"" + printable(_olderThan, 40) + "\"");
    MysqlConnection db = connect();
    return purgeReturns(db, policySettingsFrom(config()), *cutoff, _dryRun, std::cout);
}

} // namespace verpmail
