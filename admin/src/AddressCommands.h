// AddressCommands: `reset ADDRESS` and `ignore ADDRESS on|off`, each one
// transaction with its admin_audit row.
//
// reset starts the address's counting afresh: the counts the policy reads go to
// zero, CountsResetAt is now (bounces before it are history), the policy state is
// active again, and a policy_decisions row (action "reset", evidence: the counts
// before) says who did it. The next send mails the address again.
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// @throws AdminError (65) for an invalid address or one never mailed; MysqlError.
ExitStatus resetAddress(MysqlConnection& db, const std::string& address, std::ostream& out);

/// @throws AdminError (65) for an invalid address or one never mailed; MysqlError.
ExitStatus ignoreAddress(MysqlConnection& db, const std::string& address, bool ignore, std::ostream& out);

/// The address, validated and normalised. @throws AdminError (65).
std::string normalizedAddress(const std::string& text);

} // namespace verpmail
