// AccountsCommand: `db accounts [--create] [--ROLE-password-file F]... [--host H]
// [--ROLE-user NAME]...`, the least-privilege accounts (verpmail/db/Accounts.h).
//
// Without --create it prints the SQL for the four accounts (sender, bouncer,
// admin, web), for an operator to read or feed to `mariadb` as root; a role whose
// password file is given gets its CREATE USER too (with the password's hash, never
// the password). With --create it runs the statements for each role whose password
// file is given, on a connection whose user may create users and grant (run it
// with --define mysql.optionFile=FILE of such an account). Reruns are safe: each
// account is left with exactly its role's privileges and the given password.
#pragma once

#include "verpmail/db/Accounts.h"
#include "verpmail/util/ExitStatus.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct AccountsRequest
{
    bool create = false;
    std::string host = "localhost";
    /// One per role, in the order of kAccountRoles: sender, bouncer, admin, web.
    std::vector<std::string> users = {defaultAccountUser(AccountRole::Sender), defaultAccountUser(AccountRole::Bouncer),
                                      defaultAccountUser(AccountRole::Admin), defaultAccountUser(AccountRole::Web)};
    std::vector<std::string> passwordFiles = {"", "", "", ""};
};

/// @throws AdminError (64) for a bad name or --create without a password file,
/// ConfigError for a password file that is not private, MysqlError.
ExitStatus dbAccounts(MysqlConnection& db, const AccountsRequest& request, std::ostream& out);

} // namespace verpmail
