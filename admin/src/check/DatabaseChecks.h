// DatabaseChecks: each account's option file connects, and the schema is the one
// this program knows (schema_version against the compiled-in migrations).
//
// The bouncer's option file belongs to the bouncer's user, and the programs refuse
// an option file another user owns; run as root, the check connects with a private
// copy (0600, removed at once) so it tests the file's credentials, not its owner
// (FileChecks reports owner and mode).
#pragma once

#include "check/CheckReport.h"

#include "verpmail/db/MysqlConnection.h"

#include <string>
#include <vector>

namespace verpmail::check {

struct DatabaseAccount
{
    std::string roles;     ///< who connects with it: "sender, admin" or "bouncer"
    MysqlOptions options;  ///< optionFile and optionFileKey name the file and its key
    bool checkSchema = false;
};

void checkDatabases(const std::vector<DatabaseAccount>& accounts, CheckReport& report);

} // namespace verpmail::check
