// AdminApp: verpmail-admin, the operator's tool. One subcommand per job, each in
// its own file (AddressCommands, MemberCommands, PurgeCommand, ReportCommand,
// ExplainCommand, PolicyCommands, CampaignCommands); the command line is checked before the
// configuration or the database is touched, and main() maps every failure to an
// exit status in one place.
#pragma once

#include "verpmail/config/ProgramBase.h"
#include "verpmail/util/ExitStatus.h"

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>
#include <stdexcept>

namespace verpmail {

class MysqlConnection;

class AdminApp : public ProgramBase
{
public:
    AdminApp();
    void printHelp() const override;

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    ExitStatus dispatch(const std::vector<std::string>& args);
    ExitStatus dbMigrate();
    ExitStatus dbAccounts();
    ExitStatus dbRecount();
    ExitStatus listCreate(const std::string& name);
    ExitStatus membersImport(const std::string& list, const std::string& file);
    ExitStatus report(const std::vector<std::string>& operands);
    /// campaign list|status|requeue; defined in CampaignCommands.cpp.
    ExitStatus campaign(const std::vector<std::string>& operands);
    ExitStatus purge();

    /// Loads the configuration and connects; `wholeTables` (migrate, recount): with a
    /// read timeout of at least an hour.
    MysqlConnection connect(bool wholeTables = false);
    /// @throws AdminError (64) when an option outside `allowed` was given.
    void allowOptions(const std::string& command, std::initializer_list<const char*> allowed) const;
    void allowOptions(const std::string& command, const std::vector<std::string>& allowed) const;
    /// The --format value, or `fallback`; @throws AdminError (64) when not one of `allowed`.
    std::string format(std::initializer_list<const char*> allowed, const char* fallback) const;

    std::string _from;
    std::string _format;
    std::string _since = "30d";
    std::string _olderThan;
    std::string _returnAddress;  ///< check --return
    std::string _status;         ///< campaign requeue --status
    std::string _role;           ///< token create --role
    std::string _address;        ///< campaign requeue --address
    bool _skipInvalid = false;
    bool _dryRun = false;
    std::map<std::string, std::string> _accountOptions;  ///< db accounts: --create, --host, --ROLE-user, ...
    std::vector<std::string> _accountOptionNames;        ///< --ROLE-user and --ROLE-password-file for each role
    std::set<std::string> _given;  ///< the command options given, to reject those a command ignores
};

/// A usage or input problem: message for stderr, and the status to exit with.
class AdminError : public std::runtime_error
{
public:
    AdminError(ExitStatus code, const std::string& message) : std::runtime_error(message), _code(code) {}
    ExitStatus code() const { return _code; }

private:
    ExitStatus _code;
};

} // namespace verpmail
