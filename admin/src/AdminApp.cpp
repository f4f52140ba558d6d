#include "AdminApp.h"

#include "ExplainCommand.h"
#include "MemberFile.h"
#include "SuppressionReport.h"
#include "TextTable.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/Migrations.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace verpmail {
namespace {

void expectArgs(const std::vector<std::string>& args, std::size_t count, const char* synopsis)
{
    if (args.size() != count)
        throw AdminError(ExitStatus::Usage, std::string("usage: verpmail-admin ") + synopsis);
}

} // namespace

AdminApp::AdminApp() : ProgramBase("verpmail-admin", false) {}

void AdminApp::defineOptions(Poco::Util::OptionSet& options)
{
    ProgramBase::defineOptions(options);
    options.addOption(Poco::Util::Option("from", "f", "list From address").required(false).repeatable(false).argument("ADDRESS"));
    options.addOption(Poco::Util::Option("format", "", "report format").required(false).repeatable(false).argument("FORMAT"));
    options.addOption(Poco::Util::Option("skip-invalid", "", "import valid lines only").required(false).repeatable(false));
}

void AdminApp::handleOption(const std::string& name, const std::string& value)
{
    ProgramBase::handleOption(name, value);
    if (name == "from")
        _from = value;
    else if (name == "format")
        _format = value;
    else if (name == "skip-invalid")
        _skipInvalid = true;
}

void AdminApp::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-admin - manage verpmail lists, explain and report bounce decisions\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-admin [--config FILE] [--define KEY=VALUE]... COMMAND ...\n"
        "\n"
        "COMMANDS\n"
        "  db migrate\n"
        "      Create or upgrade the schema; prints the steps applied. Safe to rerun.\n"
        "  list create NAME --from ADDRESS\n"
        "      Create a list. NAME is 1-64 characters of a-z 0-9 . _ - (it appears in\n"
        "      List-Id); ADDRESS is the From used when a message has none.\n"
        "  members import LIST FILE [--skip-invalid]\n"
        "      Add members, one per line: \"address\" or \"address,name\" (# comments and\n"
        "      blank lines are skipped). Existing members are re-activated and their\n"
        "      name refreshed. Any invalid line aborts the import unless --skip-invalid.\n"
        "  explain ADDRESS\n"
        "      The tracker row, list memberships, recent returns, the policy decision,\n"
        "      why, and what would release it.\n"
        "  report suppressed [--format table|json]\n"
        "      Every address the policy suppresses now, with reason and evidence. JSON is\n"
        "      an array of objects: address, reason, rule, explanation, hard_bounces,\n"
        "      soft_bounces_in_window, complaints, blocks, last_bounce, suppressed_at.\n"
        "\n"
        "OPTIONS\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  0 success; 64 usage error; 65 bad input (unknown list or address, invalid\n"
        "  member lines, list exists); 66 input file unreadable; 70 internal or schema\n"
        "  error; 75 database unavailable (retry later); 78 configuration error.\n";
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
        code = e.isTransient() ? ExitStatus::TempFail : ExitStatus::Software;
        error = std::string("database: ") + e.what() +
                (e.errorNumber() == 1146 ? " (run: verpmail-admin db migrate)" : "");
    } catch (const std::exception& e) {
        code = ExitStatus::Software;
        error = std::string("internal error: ") + e.what();
    }
    if (!error.empty())
        std::cerr << "verpmail-admin: " << error << "\n";
    return toInt(code);
}

ExitStatus AdminApp::dispatch(const std::vector<std::string>& args)
{
    const std::string command = args.empty() ? "" : args[0] + (args.size() > 1 ? " " + args[1] : "");
    const std::vector<std::string> rest(args.size() > 2 ? args.begin() + 2 : args.end(), args.end());
    if (args.empty())
        throw AdminError(ExitStatus::Usage, "a command is required (see --help)");

    // Parse everything before touching the configuration or the database.
    if (command == "db migrate") {
        expectArgs(rest, 0, "db migrate");
        loadSettings();
        return dbMigrate();
    }
    if (command == "list create") {
        expectArgs(rest, 1, "list create NAME --from ADDRESS");
        loadSettings();
        return listCreate(rest[0]);
    }
    if (command == "members import") {
        expectArgs(rest, 2, "members import LIST FILE");
        loadSettings();
        return membersImport(rest[0], rest[1]);
    }
    if (args[0] == "explain") {
        expectArgs(std::vector<std::string>(args.begin() + 1, args.end()), 1, "explain ADDRESS");
        loadSettings();
        return explain(args[1]);
    }
    if (command == "report suppressed") {
        expectArgs(rest, 0, "report suppressed [--format table|json]");
        if (_format != "table" && _format != "json")
            throw AdminError(ExitStatus::Usage, "--format must be table or json");
        loadSettings();
        return reportSuppressed();
    }
    throw AdminError(ExitStatus::Usage, "unknown command \"" + printable(command, 60) + "\" (see --help)");
}

ExitStatus AdminApp::dbMigrate()
{
    MysqlConnection db(mysqlOptionsFrom(config()));
    const std::vector<Migration> applied = migrate(db);
    for (const Migration& m : applied)
        std::cout << "applied " << m.name << "\n";
    std::cout << "schema version " << currentSchemaVersion(db) << (applied.empty() ? " (up to date)" : "") << "\n";
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
    MysqlConnection db(mysqlOptionsFrom(config()));
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

    MysqlConnection db(mysqlOptionsFrom(config()));
    ListStore lists(db);
    const std::optional<ListInfo> list = lists.find(listName);
    if (!list)
        throw AdminError(ExitStatus::DataErr, "unknown list \"" + printable(listName, 64) + "\"");
    const ImportCounts counts = lists.importMembers(list->id, parsed.members);
    std::cout << "list=" << list->name << " added=" << counts.added << " updated=" << counts.updated
              << " duplicates=" << parsed.duplicates << " invalid=" << parsed.errors.size() << "\n";
    return ExitStatus::Ok;
}

ExitStatus AdminApp::explain(const std::string& addressText)
{
    const PolicySettings policy = policySettingsFrom(config());
    MysqlConnection db(mysqlOptionsFrom(config()));
    return explainAddress(db, policy, addressText, std::cout);
}

ExitStatus AdminApp::reportSuppressed()
{
    const PolicySettings policy = policySettingsFrom(config());
    MysqlConnection db(mysqlOptionsFrom(config()));
    const std::vector<SuppressedAddress> rows = suppressedAddresses(db, policy);
    if (_format == "json")
        std::cout << suppressionJson(rows) << "\n";
    else
        std::cout << suppressionTable(rows);
    return ExitStatus::Ok;
}

} // namespace verpmail
