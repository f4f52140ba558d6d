#include "check/FileAccess.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace verpmail::check {
namespace {

// Which of the three permission triples applies to the account, as the kernel picks
// it: the owner's even when the group's would allow more.
mode_t applicableBits(const FileFacts& file, const Account& account, mode_t ownerBit, mode_t groupBit, mode_t otherBit)
{
    if (file.uid == account.uid)
        return file.mode & ownerBit;
    if (std::find(account.gids.begin(), account.gids.end(), file.gid) != account.gids.end())
        return file.mode & groupBit;
    return file.mode & otherBit;
}

std::optional<Account> accountFrom(const passwd& pw)
{
    Account a;
    a.name = pw.pw_name;
    a.uid = pw.pw_uid;
    int count = 32;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) {
        if (count <= static_cast<int>(groups.size()))
            count = static_cast<int>(groups.size()) * 2;
        groups.resize(static_cast<std::size_t>(count));
    }
    groups.resize(static_cast<std::size_t>(count));
    a.gids.push_back(pw.pw_gid);
    for (gid_t g : groups)
        if (g != pw.pw_gid)
            a.gids.push_back(g);
    return a;
}

} // namespace

bool canRead(const FileFacts& file, const Account& account)
{
    return account.uid == 0 || applicableBits(file, account, S_IRUSR, S_IRGRP, S_IROTH) != 0;
}

bool canSearch(const FileFacts& dir, const Account& account)
{
    // Root needs at least one x bit on a directory; it always has one in practice.
    return account.uid == 0 || applicableBits(dir, account, S_IXUSR, S_IXGRP, S_IXOTH) != 0;
}

std::string octalMode(mode_t mode)
{
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::vector<FileProblem> fileProblems(const std::string& path, const FileFacts& file, const Account& reader,
                                      FileRule rule)
{
    std::vector<FileProblem> problems;
    if (!file.regular) {
        problems.push_back({"not a regular file", "put the file itself at " + path});
        return problems;
    }
    if (rule != FileRule::Readable && (file.mode & 077) != 0)
        problems.push_back({"mode " + octalMode(file.mode) + ": group or others may read or write it",
                            "chmod 600 " + path});
    // The programs refuse an option file owned by anyone but themselves or root:
    // whoever owns it could change where they connect and as whom.
    if (rule == FileRule::OptionFile && file.uid != reader.uid && file.uid != 0)
        problems.push_back({"owned by " + userName(file.uid) + ", neither " + reader.name + " (who reads it) nor root",
                            "chown " + reader.name + " " + path});
    else if (!canRead(file, reader))
        problems.push_back({"owner " + userName(file.uid) + ", group " + groupName(file.gid) + ", mode " +
                                octalMode(file.mode) + ": " + reader.name + " cannot read it",
                            rule == FileRule::Readable ? "chmod 644 " + path
                                                       : "chown " + reader.name + " " + path + " && chmod 600 " + path});
    return problems;
}

std::optional<FileProblem> pathProblem(const std::vector<std::pair<std::string, FileFacts>>& dirs, const Account& reader)
{
    for (const auto& [dir, facts] : dirs) {
        if (!canSearch(facts, reader))
            return FileProblem{"directory " + dir + " (owner " + userName(facts.uid) + ", group " + groupName(facts.gid) +
                                   ", mode " + octalMode(facts.mode) + ") does not let " + reader.name + " through",
                               "chmod o+x " + dir + ", or give " + reader.name + " its group"};
    }
    return std::nullopt;
}

std::optional<FileFacts> statPath(const std::string& path)
{
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    FileFacts f;
    f.regular = S_ISREG(st.st_mode);
    f.directory = S_ISDIR(st.st_mode);
    f.mode = st.st_mode & 07777;
    f.uid = st.st_uid;
    f.gid = st.st_gid;
    return f;
}

std::vector<std::pair<std::string, FileFacts>> parentDirectories(const std::string& path)
{
    std::vector<std::pair<std::string, FileFacts>> dirs;
    if (path.empty() || path[0] != '/')
        return dirs;
    for (std::size_t slash = 0; slash != std::string::npos && slash < path.size();
         slash = path.find('/', slash + 1)) {
        const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
        if (const std::optional<FileFacts> facts = statPath(dir))
            dirs.emplace_back(dir, *facts);
    }
    return dirs;
}

std::optional<Account> lookupAccount(const std::string& name)
{
    std::vector<char> buffer(16384);
    passwd pw {};
    passwd* found = nullptr;
    if (getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return accountFrom(pw);
}

std::optional<Account> lookupAccount(uid_t uid)
{
    std::vector<char> buffer(16384);
    passwd pw {};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return accountFrom(pw);
}

std::string userName(uid_t uid)
{
    std::vector<char> buffer(16384);
    passwd pw {};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

std::string groupName(gid_t gid)
{
    std::vector<char> buffer(16384);
    group gr {};
    group* found = nullptr;
    if (getgrgid_r(gid, &gr, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->gr_name;
    return "gid " + std::to_string(gid);
}

} // namespace verpmail::check
