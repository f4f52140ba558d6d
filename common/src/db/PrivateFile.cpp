#include "verpmail/db/PrivateFile.h"

#include "verpmail/db/MysqlError.h"

#include <sys/stat.h>
#include <unistd.h>

namespace verpmail {

void checkPrivateFile(const std::string& path, const std::string& key)
{
    const std::string named = "\"" + path + "\" (" + key + ")";
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0)
        throw ConfigError("cannot read " + named);
    if (!S_ISREG(st.st_mode))
        throw ConfigError(named + " is not a regular file");
    if ((st.st_mode & 077) != 0)
        throw ConfigError(named + " must not be readable or writable by group or others (chmod 600 " + path + ")");
    // Root may own it (an operator installs it for a service user it cannot write
    // as); anyone else could rewrite what this user connects with.
    const uid_t self = ::geteuid();
    if (st.st_uid != self && st.st_uid != 0)
        throw ConfigError(named + " is owned by uid " + std::to_string(st.st_uid) + ", not by uid " +
                          std::to_string(self) + " running this program or root (chown " + std::to_string(self) + " " +
                          path + ")");
    if (::access(path.c_str(), R_OK) != 0)
        throw ConfigError("cannot read " + named + ": permission denied for uid " + std::to_string(self));
}

} // namespace verpmail
