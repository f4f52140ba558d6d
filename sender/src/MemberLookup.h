// MemberLookup: what the policy and the message need for a claimed batch of
// members, in one query (no query per recipient).
#pragma once

#include "MemberPages.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// Active members among `emails`, keyed by email; absent ones were removed or
/// deactivated after the campaign was queued.
std::unordered_map<std::string, MemberRecord> lookupMembers(MysqlConnection& db, unsigned listId,
                                                            const std::vector<std::string>& emails,
                                                            const std::string& softWindowStart);

} // namespace verpmail
