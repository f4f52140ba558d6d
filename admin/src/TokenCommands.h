// TokenCommands: the bearer tokens of verpmail-web's API.
//
//   token create NAME --role viewer|operator|admin   prints the token, once
//   token list [--format table|json]                 names, roles, dates; never a token
//   token revoke NAME                                the token stops working at once
//
// Each change writes its admin_audit row in the same transaction (ApiTokenStore).
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// @throws AdminError: 64 for a bad name or role, 65 for a name in use.
ExitStatus createToken(MysqlConnection& db, const std::string& name, const std::string& role, std::ostream& out);
ExitStatus listTokens(MysqlConnection& db, const std::string& format, std::ostream& out);
/// @throws AdminError (65) when no valid token has that name.
ExitStatus revokeToken(MysqlConnection& db, const std::string& name, std::ostream& out);

} // namespace verpmail
