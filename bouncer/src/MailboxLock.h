// MailboxLock: holds an mbox file the way Postfix local(8) delivers to it.
//
//   MailboxLock lock(fd, "/var/mail/bounces", std::chrono::seconds(30));  // throws IntakeError(Busy)
//
// Two locks, as Postfix's default mailbox_delivery_lock (fcntl, dotlock) on Linux:
// a dot-lock file FILE.lock created with O_EXCL (skipped when the directory is not
// writable for us, as mail readers do; one older than 500 s is stale and removed,
// as Postfix's stale_lock_time), and an fcntl write lock on the whole file. While it
// is held, local(8) waits (and defers after deliver_lock_attempts), so no message is
// appended under the reader's feet. Released in the destructor.
#pragma once

#include <chrono>
#include <string>

namespace verpmail {

class MailboxLock
{
public:
    /// @param fd the mailbox, open read-write; must stay open while the lock lives
    ///           (closing any descriptor of the file drops fcntl locks).
    /// @throws IntakeError(Busy) when either lock is not obtained within `wait`.
    MailboxLock(int fd, const std::string& path, std::chrono::seconds wait);
    ~MailboxLock();

    MailboxLock(const MailboxLock&) = delete;
    MailboxLock& operator=(const MailboxLock&) = delete;

private:
    int _fd;
    std::string _dotLock;  ///< the lock file we created, "" when none
};

} // namespace verpmail
