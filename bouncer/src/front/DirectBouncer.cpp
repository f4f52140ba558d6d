#include "DirectBouncer.h"

#include "PipeContract.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace verpmail::front {

namespace {

/// The path of `program` in the front's own directory, or false (errno set).
bool siblingPath(const char* program, char (&path)[PATH_MAX])
{
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        errno = n < 0 ? errno : ENOENT;
        return false;
    }
    path[n] = '\0';
    char* slash = std::strrchr(path, '/');
    const std::size_t dirLength = slash ? static_cast<std::size_t>(slash - path) + 1 : 0;
    if (!slash || dirLength + std::strlen(program) >= sizeof path) {
        errno = ENAMETOOLONG;
        return false;
    }
    std::strcpy(path + dirLength, program);
    return true;
}

} // namespace

int runDirect(char** argv)
{
    // Pending alarms survive execve while the handler does not: the full program would
    // die of SIGALRM, which Postfix reads as a failure that bounces the return.
    ::alarm(0);
    char path[PATH_MAX];
    if (!siblingPath(kDirectProgram, path))
        return tempfail("4.3.0 verpmail-bouncer cannot find itself: ", std::strerror(errno));

    // argv[0] stays: the full program logs and answers as verpmail-bouncer.
    ::execv(path, argv);
    const int error = errno;
    char what[PATH_MAX + 128];
    std::snprintf(what, sizeof what, "cannot run %s: %s", path, std::strerror(error));
    return tempfail("4.3.0 verpmail-bouncer ", what);
}

int runParse(char** argv)
{
    char path[PATH_MAX];
    if (siblingPath(kParseProgram, path))
        ::execv(path, argv);
    // An installation without it (an older install script) still parses, only slower.
    return runDirect(argv);
}

} // namespace verpmail::front
