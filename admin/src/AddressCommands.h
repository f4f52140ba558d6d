// AddressCommands: `reset ADDRESS` and `ignore ADDRESS on|off`, each one
// transaction with its admin_audit row, through AddressPolicyStore (the API's code
// too; the actor here is auditActor()).
//
// reset starts the address's counting afresh: the counts the policy reads go to
// zero, CountsResetAt is now (bounces before it are history), the policy state is
// active again, and a policy_decisions row (action "reset", evidence: the counts
// before) says who did it. The memberships the policy made inactive (a hard bounce
// or a complaint: members.inactive_reason 'policy') are active again and every
// bounce_status is 'clean'; an opt-out, or the list a complaint came from, stays
// inactive. The next send mails the address again. `ignore ADDRESS on` gives back
// the same memberships, since the policy no longer applies to the address.
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// @throws AdminError (65) for an invalid address or one never mailed; MysqlError.
ExitStatus resetAddress(MysqlConnection& db, const std::string& address, std::ostream& out);

/// @throws AdminError (65) for an invalid address or one never mailed; MysqlError.
ExitStatus ignoreAddress(MysqlConnection& db, const std::string& address, bool ignore, std::ostream& out);

/// Makes the memberships of `email` that the policy made inactive active again;
/// returns how many. Runs in the caller's transaction.
std::uint64_t restorePolicyMemberships(MysqlConnection& db, const std::string& email);

/// The address, validated and normalised. @throws AdminError (65).
std::string normalizedAddress(const std::string& text);

} // namespace verpmail
