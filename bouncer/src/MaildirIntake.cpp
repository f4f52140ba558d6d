#include "MaildirIntake.h"

#include "BoundedInput.h"
#include "FdStream.h"
#include "FileOps.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace verpmail {
namespace {

bool isDirectory(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void makeDirectory(const std::string& path)
{
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        throw IntakeError(IntakeError::Kind::WriteFailed, "cannot create " + errnoText(path));
}

/// The message file names in DIR/sub, sorted (Maildir names start with the time).
std::vector<std::string> messageNames(const std::string& dir, const std::string& sub)
{
    const std::string path = dir + "/" + sub;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(path.c_str()), ::closedir);
    if (!d)
        throw IntakeError(IntakeError::Kind::Unreadable, "cannot read " + errnoText(path));
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(d.get())) {
        if (entry->d_name[0] == '.')
            continue;  // ".", "..", and hidden files are not messages
        names.emplace_back(sub + "/" + entry->d_name);
    }
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return std::strcmp(std::strchr(a.c_str(), '/'), std::strchr(b.c_str(), '/')) < 0;
    });
    return names;
}

} // namespace

std::string processedMaildirPath(const std::string& dir)
{
    return dir + "/.processed";
}

std::string processedName(const std::string& name)
{
    const std::size_t info = name.rfind(":2,");
    std::string base = info == std::string::npos ? name : name.substr(0, info);
    std::string flags = info == std::string::npos ? std::string() : name.substr(info + 3);
    if (flags.find('S') == std::string::npos)
        flags.push_back('S');
    std::sort(flags.begin(), flags.end());
    return base + ":2," + flags;
}

IntakeResult processMaildir(const std::string& dir, std::size_t maxMessageBytes, const OutcomeHandler& handle)
{
    if (!isDirectory(dir + "/new") || !isDirectory(dir + "/cur"))
        throw IntakeError(IntakeError::Kind::Unreadable, dir + " is not a Maildir (no new/ and cur/)");
    std::vector<std::string> names = messageNames(dir, "new");
    const std::vector<std::string> cur = messageNames(dir, "cur");
    names.insert(names.end(), cur.begin(), cur.end());

    const std::string target = processedMaildirPath(dir);
    IntakeResult result;
    if (names.empty())
        return result;
    // Before anything is recorded: a message recorded but not movable would only be
    // recorded again (harmlessly) next time, but a folder that cannot exist is an
    // operator's problem to see at once.
    for (const std::string& path : {target, target + "/cur", target + "/new", target + "/tmp"})
        makeDirectory(path);

    bool stopped = false;
    for (const std::string& name : names) {
        const std::string path = dir + "/" + name;
        if (stopped) {
            ++result.messages;
            ++result.left;
            continue;
        }
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd && errno == ENOENT)
            continue;  // moved by another run (or a mail reader) since the listing
        ++result.messages;
        struct stat st {};
        if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
            result.problems.push_back(fd ? path + ": not a regular file" : "open " + errnoText(path));
            ++result.unreadable;
            ++result.left;
            continue;
        }
        FdInBuf buffer(fd.get());
        std::istream in(&buffer);
        BoundedRead input = readBounded(in, maxMessageBytes);
        if (buffer.failed()) {
            result.problems.push_back("read " + errnoText(path));
            ++result.unreadable;
            ++result.left;
            continue;
        }
        fd.reset();

        IncomingMessage message{std::move(input.data), input.totalBytes, "", "", {}, "maildir=" + dir + " file=" + name};
        if (isRetryable(handle(message))) {
            ++result.left;
            stopped = true;
            continue;
        }
        const std::string to = target + "/cur/" + processedName(name.substr(name.find('/') + 1));
        if (::rename(path.c_str(), to.c_str()) != 0 && errno != ENOENT) {
            // Recorded but still here: the next run records it as a duplicate.
            result.problems.push_back("rename to " + errnoText(to));
            ++result.left;
            continue;
        }
        ++result.processed;
    }
    return result;
}

} // namespace verpmail
