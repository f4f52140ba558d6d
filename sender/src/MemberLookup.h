// MemberLookup: the active members of a claimed batch with their names, in one
// query (no query per recipient). The policy's inputs come from PolicyStore.
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
                                                            const std::vector<std::string>& emails);

} // namespace verpmail
