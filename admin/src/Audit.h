// Audit: the admin_audit trail. Every operation that changes data writes one row
// (who, when, what) in the same transaction as the change, so the trail can never
// claim a change that was rolled back or miss one that was committed.
//
//   Transaction tx(db);
//   ... the change ...
//   writeAudit(db, "reset", "user@example.org", "hard=1 soft=0 complaints=0");
//   tx.commit();
#pragma once

#include <cstdint>
#include <string>

namespace verpmail {

class MysqlConnection;

/// The Unix user running the tool, and the user behind sudo when there is one:
/// "root" or "root (sudo: alice)".
std::string auditActor();

/// Inserts one admin_audit row; returns its id. Text is bounded and made printable.
std::uint64_t writeAudit(MysqlConnection& db, const std::string& action, const std::string& target,
                         const std::string& detail);

/// Replaces the detail of an audit row (a long operation reports its progress in
/// the row it wrote first, in the transaction of each step).
void updateAudit(MysqlConnection& db, std::uint64_t id, const std::string& detail);

} // namespace verpmail
