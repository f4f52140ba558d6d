// PrivateFile: the check every file holding a secret passes before it is read.
//
// A MySQL option file holds a password, and it also tells the client library what
// to load and where to connect: a file others can read leaks the password, one
// others can write hands them the connection. So it must not be readable or
// writable by group or others, and it must belong to the user reading it or to root.
//
//   checkPrivateFile("/etc/verpmail/bouncer.cnf", "bouncer.mysql.optionFile");
#pragma once

#include <string>

namespace verpmail {

/// @throws ConfigError naming the file, the key it came from and the fix (chmod 600,
/// chown) when it is missing, unreadable, not a regular file, open to group or
/// others, or owned by someone other than the running user and root.
void checkPrivateFile(const std::string& path, const std::string& key);

} // namespace verpmail
