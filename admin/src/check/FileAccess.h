// FileAccess: whether an account can read a file, decided from the file's mode and
// owner and the account's uid and groups, the way the kernel decides it, so that
// `verpmail-admin check` (run as root) can say what the Postfix pipe user or the
// LMTP daemon's user will meet without running as them.
//
//   Account nobody = *lookupAccount("nobody");
//   FileFacts key = *statPath("/etc/verpmail/verp.key");
//   if (!canRead(key, nobody)) ...
//   for (const FileProblem& p : fileProblems("/etc/verpmail/my.cnf", facts, reader, FileRule::OptionFile)) ...
//
// The decisions are pure functions of FileFacts and Account (unit-tested with made-up
// accounts); statPath() and lookupAccount() are the only calls into the system.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace verpmail::check {

struct FileFacts
{
    bool regular = true;
    bool directory = false;
    mode_t mode = 0;  ///< permission bits only (07777)
    uid_t uid = 0;
    gid_t gid = 0;
};

struct Account
{
    std::string name;
    uid_t uid = 0;
    std::vector<gid_t> gids;  ///< primary group first, then the supplementary groups
};

/// What is wrong with a file, and the command that fixes it.
struct FileProblem
{
    std::string found;
    std::string fix;
};

/// Read permission for the account: owner bits if it owns the file, else group bits
/// if it is in the file's group, else the others' bits. Root reads everything.
bool canRead(const FileFacts& file, const Account& account);
/// Search (x) permission on a directory, by the same rules.
bool canSearch(const FileFacts& dir, const Account& account);

/// What the programs demand of a file they read.
enum class FileRule
{
    Readable,    ///< the configuration: readable by the reader
    Secret,      ///< the VERP key, smtp.authFile: also no group or others bits
    OptionFile,  ///< a MySQL option file (PrivateFile): also owned by the reader or root
};

/// The problems the reader meets with the file under the rule; empty when none.
std::vector<FileProblem> fileProblems(const std::string& path, const FileFacts& file, const Account& reader,
                                      FileRule rule);
/// Every directory on the way to the file must let the reader through.
/// `dirs` are (path, facts) from "/" down to the file's directory.
std::optional<FileProblem> pathProblem(const std::vector<std::pair<std::string, FileFacts>>& dirs,
                                       const Account& reader);

/// "0640".
std::string octalMode(mode_t mode);

/// stat() of a path (links followed, as the programs open it); nullopt when it does
/// not exist or cannot be examined.
std::optional<FileFacts> statPath(const std::string& path);
/// The directories from "/" to the one holding `path`, with their facts (those that
/// can be examined).
std::vector<std::pair<std::string, FileFacts>> parentDirectories(const std::string& path);
/// The account by name (passwd and group databases); nullopt when unknown.
std::optional<Account> lookupAccount(const std::string& name);
/// The account by uid; nullopt when unknown.
std::optional<Account> lookupAccount(uid_t uid);
/// A user or group name for messages ("uid 65534" when it has none).
std::string userName(uid_t uid);
std::string groupName(gid_t gid);

} // namespace verpmail::check
