// MboxIntake: `verpmail-bouncer --mbox FILE`, returns saved in one mbox file.
//
//   IntakeResult r = processMbox("/var/mail/bounces", maxBytes, handler);
//
// Under the mailbox lock (MailboxLock.h) every message is handed to the handler.
// Processed messages are appended, verbatim, to FILE.processed (an mbox the operator
// may read, rotate or delete), which is fsync'ed; then FILE is rewritten in place
// (same inode, so a delivery agent waiting for the lock appends to the right file)
// holding only what was not processed, in the original order. Nothing unprocessed is
// ever dropped: the kept messages go to a temporary file FILE.verpmail-XXXXXX first,
// and if copying them back fails that file stays, named in the error (as mutt does).
// A failure after recording but before the rewrite leaves messages in FILE that are
// recorded already; the next run records them as duplicates, which changes nothing.
#pragma once

#include "Intake.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace verpmail {

/// @throws IntakeError: Unreadable (FILE missing, unreadable, not an mbox; nothing
///         changed), Busy (locked), WriteFailed (FILE.processed or the rewrite failed).
IntakeResult processMbox(const std::string& path, std::size_t maxMessageBytes, const OutcomeHandler& handle,
                         std::chrono::seconds lockWait = std::chrono::seconds(30));

/// Where processed messages go: FILE.processed.
std::string processedMboxPath(const std::string& path);

} // namespace verpmail
