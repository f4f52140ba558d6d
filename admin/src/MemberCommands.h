// MemberCommands: list membership changes and the member export.
//
//   members add LIST ADDRESS [NAME]    add, or re-activate and rename
//   members remove LIST ADDRESS        delete the membership
//   members import LIST FILE           many adds (MemberFile.h), one transaction
//   members export LIST [--format csv|json]   address,name,active,bounce_status
//   unsubscribe LIST ADDRESS           active = 0: the sender skips it
//   resubscribe LIST ADDRESS           active = 1
//
// Every change writes its admin_audit row in the same transaction. The export is
// streamed from the server, so a list of millions never sits in memory.
#pragma once

#include "verpmail/store/ListStore.h"
#include "verpmail/util/ExitStatus.h"

#include <ostream>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// @throws AdminError (65) for an unknown list.
ListInfo requireList(MysqlConnection& db, const std::string& name);

/// Adds or refreshes members of one list (500 per statement) in the caller's
/// transaction; returns how many were new.
std::size_t upsertMembers(MysqlConnection& db, unsigned listId, const std::vector<NewMember>& members);

ExitStatus membersAdd(MysqlConnection& db, const std::string& list, const std::string& address, const std::string& name,
                      std::ostream& out);
ExitStatus membersRemove(MysqlConnection& db, const std::string& list, const std::string& address, std::ostream& out);
/// A file parsed by readMemberFile; `invalid` lines were skipped (--skip-invalid).
ExitStatus membersImport(MysqlConnection& db, const std::string& list, const std::string& file,
                         const std::vector<NewMember>& members, std::size_t duplicates, std::size_t invalid,
                         std::ostream& out);
/// format: "csv" or "json".
ExitStatus membersExport(MysqlConnection& db, const std::string& list, const std::string& format, std::ostream& out);
ExitStatus setSubscribed(MysqlConnection& db, const std::string& list, const std::string& address, bool active,
                         std::ostream& out);

} // namespace verpmail
