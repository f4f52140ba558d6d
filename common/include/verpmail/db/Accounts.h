// Accounts: the MariaDB accounts of least privilege, one per program.
//
// The bouncer takes mail from strangers, so its account may only do what
// recording a return needs: read the tracker and memberships, write returns,
// incidents and the bounce counters of the tracker and memberships, count the
// return (EXECUTE count_return). It has nothing on admin_audit, lists, send_log
// or the policy, and may update only the counter columns of the rows it touches.
// The sender's account adds its queue, campaigns, policy decisions and sends; the
// admin's owns the schema (migrations create tables, views and procedures). The
// web server's (verpmail-web, facing the Internet) may read memberships and lists,
// end a membership (members.active, inactive_reason) and audit that, and record
// the returns its SES/SNS webhook receives with exactly the bouncer's rights for
// that; nothing else.
//
//   Account bouncer{AccountRole::Bouncer, "verpmail_bouncer", "localhost"};
//   for (const std::string& sql : accountStatements(bouncer, "verpmail", nativePasswordHash(pw)))
//       db.execute(sql);
//
// Names and hosts go into the SQL text (account statements take no parameters),
// so they are checked against a strict alphabet first; the password never does:
// only its mysql_native_password hash, hex digits, is written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class MysqlConnection;

enum class AccountRole { Sender, Bouncer, Admin, Web };

/// Every role, in the order db accounts prints them.
inline constexpr AccountRole kAccountRoles[] = {AccountRole::Sender, AccountRole::Bouncer, AccountRole::Admin,
                                                AccountRole::Web};

struct Account
{
    AccountRole role;
    std::string user;  ///< 1-80 of A-Z a-z 0-9 _ . -
    std::string host;  ///< 1-255 of A-Z a-z 0-9 _ . - % : /  ("localhost": the unix socket)
};

const char* roleName(AccountRole role);

/// The default user name of a role: verpmail_sender, verpmail_bouncer, verpmail_admin,
/// verpmail_web.
std::string defaultAccountUser(AccountRole role);

/// The privileges of a role, as GRANT statements on `database` (without the user).
/// E.g. "GRANT SELECT, INSERT, UPDATE ON `verpmail`.`bounce_logs`".
std::vector<std::string> roleGrants(AccountRole role, const std::string& database);

/// The statements that make `account` exactly its role: create it if missing (with
/// the password when a hash is given), set that password, revoke everything it had,
/// grant the role's privileges. Without a hash the user must exist already.
/// @throws std::invalid_argument for a user, host or database name outside the alphabet.
std::vector<std::string> accountStatements(const Account& account, const std::string& database,
                                           const std::optional<std::string>& passwordHash);

/// mysql_native_password's stored form: '*' and the upper-case hex of SHA1(SHA1(password)).
std::string nativePasswordHash(std::string_view password);

/// Reads a password from a private file (PrivateFile.h): its first line, without the
/// line end. @throws ConfigError when the file is not private or the line is empty.
std::string readPasswordFile(const std::string& path, const std::string& option);

/// Runs accountStatements for each account on `db` (whose user needs CREATE USER
/// and GRANT OPTION on the database, e.g. root). @throws MysqlError.
void applyAccounts(MysqlConnection& db, const std::vector<Account>& accounts, const std::string& database,
                   const std::vector<std::optional<std::string>>& passwordHashes);

} // namespace verpmail
