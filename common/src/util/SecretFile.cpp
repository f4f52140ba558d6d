#include "verpmail/util/SecretFile.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace verpmail {

std::string readSecretKeyFile(const std::string& path, const std::string& what)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("cannot read " + what + " " + path);
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error(what + " " + path + " must not be readable by group or others (chmod 600)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + what + " " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string key = buffer.str();
    // A trailing newline from `echo` or an editor is not part of the secret.
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
        key.pop_back();
    if (key.size() < 16)
        throw std::runtime_error(what + " " + path + " holds fewer than 16 bytes");
    return key;
}

} // namespace verpmail
