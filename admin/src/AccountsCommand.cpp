#include "AccountsCommand.h"

#include "AdminApp.h"
#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/util/Printable.h"

#include <iterator>
#include <stdexcept>

namespace verpmail {
namespace {

std::string currentDatabase(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("SELECT DATABASE()");
    st.execute();
    if (!st.fetch() || st.isNull(0))
        throw AdminError(ExitStatus::Config, "the MySQL option file names no database (database=...)");
    return st.text(0);
}

} // namespace

ExitStatus dbAccounts(MysqlConnection& db, const AccountsRequest& request, std::ostream& out)
{
    std::vector<Account> accounts;
    std::vector<std::optional<std::string>> hashes;
    for (std::size_t i = 0; i < std::size(kAccountRoles); ++i) {
        const std::string& file = request.passwordFiles.at(i);
        if (request.create && file.empty())
            continue;
        accounts.push_back(Account{kAccountRoles[i], request.users.at(i), request.host});
        const std::string option = std::string("--") + roleName(kAccountRoles[i]) + "-password-file";
        hashes.push_back(file.empty() ? std::nullopt
                                      : std::optional<std::string>(nativePasswordHash(readPasswordFile(file, option))));
    }
    if (request.create && accounts.empty())
        throw AdminError(ExitStatus::Usage, "db accounts --create needs --sender-password-file, "
                                            "--bouncer-password-file, --admin-password-file or --web-password-file");
    const std::string database = currentDatabase(db);
    // Every name is checked before anything is printed or run.
    std::vector<std::vector<std::string>> statements;
    try {
        for (std::size_t i = 0; i < accounts.size(); ++i)
            statements.push_back(accountStatements(accounts[i], database, hashes[i]));
    } catch (const std::invalid_argument& e) {
        throw AdminError(ExitStatus::Usage, e.what());
    }
    if (!request.create) {
        out << "-- verpmail accounts for database " << database << " (verpmail-admin db accounts)\n";
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            out << "\n-- " << roleName(accounts[i].role) << "\n";
            if (!hashes[i])
                out << "-- CREATE USER IF NOT EXISTS '" << accounts[i].user << "'@'" << accounts[i].host
                    << "' IDENTIFIED BY '...';  (or give --" << roleName(accounts[i].role) << "-password-file)\n";
            for (const std::string& sql : statements[i])
                out << sql << ";\n";
        }
        return ExitStatus::Ok;
    }
    applyAccounts(db, accounts, database, hashes);
    for (const Account& a : accounts) {
        const std::string target = a.user + "@" + a.host;
        out << "account " << roleName(a.role) << " " << printable(target, 200) << " ready\n";
    }
    writeAudit(db, "accounts", database, "created or updated " + std::to_string(accounts.size()) + " accounts");
    return ExitStatus::Ok;
}

} // namespace verpmail
