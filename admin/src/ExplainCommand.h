// ExplainCommand: `verpmail-admin explain ADDRESS`: the tracker row, memberships,
// recent returns, the policy decision, the rule and evidence behind it, and what
// would release it. Everything it prints comes from the same stores and policy code
// the sender uses, so the explanation is what the next send will do.
#pragma once

#include "verpmail/policy/Policy.h"
#include "verpmail/util/ExitStatus.h"

#include <ostream>
#include <string>

namespace verpmail {

class MysqlConnection;

/// @throws AdminError (65) for an invalid or unknown address; MysqlError.
ExitStatus explainAddress(MysqlConnection& db, const PolicySettings& policy, const std::string& address, std::ostream& out);

} // namespace verpmail
