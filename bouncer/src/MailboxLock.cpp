#include "MailboxLock.h"

#include "Intake.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

namespace verpmail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kRetry{200};
constexpr long kStaleSeconds = 500;  // Postfix stale_lock_time

/// Creates FILE.lock. "" when the directory does not let us (no dot-lock then);
/// throws Busy when someone else holds it for longer than the deadline.
std::string takeDotLock(const std::string& path, Clock::time_point deadline)
{
    const std::string lock = path + ".lock";
    while (true) {
        const int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            const std::string pid = std::to_string(::getpid()) + "\n";
            (void)!::write(fd, pid.data(), pid.size());
            ::close(fd);
            return lock;
        }
        if (errno == EACCES || errno == EPERM || errno == EROFS)
            return "";
        if (errno != EEXIST)
            throw IntakeError(IntakeError::Kind::Busy, "cannot create " + lock + ": " + std::strerror(errno));
        struct stat st {};
        if (::stat(lock.c_str(), &st) == 0 && std::time(nullptr) - st.st_mtime > kStaleSeconds) {
            ::unlink(lock.c_str());
            continue;
        }
        if (Clock::now() >= deadline)
            throw IntakeError(IntakeError::Kind::Busy, lock + " exists (another program holds " + path + ")");
        std::this_thread::sleep_for(kRetry);
    }
}

void takeFcntlLock(int fd, const std::string& path, Clock::time_point deadline)
{
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    while (::fcntl(fd, F_SETLK, &lock) != 0) {
        if (errno != EACCES && errno != EAGAIN && errno != EINTR)
            throw IntakeError(IntakeError::Kind::Busy, "cannot lock " + path + ": " + std::strerror(errno));
        if (Clock::now() >= deadline)
            throw IntakeError(IntakeError::Kind::Busy, path + " is locked by another program");
        std::this_thread::sleep_for(kRetry);
    }
}

} // namespace

MailboxLock::MailboxLock(int fd, const std::string& path, std::chrono::seconds wait) : _fd(fd)
{
    const Clock::time_point deadline = Clock::now() + wait;
    _dotLock = takeDotLock(path, deadline);
    try {
        takeFcntlLock(fd, path, deadline);
    } catch (...) {
        if (!_dotLock.empty())
            ::unlink(_dotLock.c_str());
        throw;
    }
}

MailboxLock::~MailboxLock()
{
    struct flock lock {};
    lock.l_type = F_UNLCK;
    lock.l_whence = SEEK_SET;
    ::fcntl(_fd, F_SETLK, &lock);
    if (!_dotLock.empty())
        ::unlink(_dotLock.c_str());
}

} // namespace verpmail
