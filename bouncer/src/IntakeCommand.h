// IntakeCommand: verpmail-bouncer --mbox FILE | --maildir DIR | --imap, returns saved
// by a delivery agent into a catch-all mailbox (or one on an IMAP server, ImapIntake.h),
// run from cron as the mailbox's owner.
//
// Each message is recorded exactly as a piped one. What was stored (recorded,
// duplicate, unattributed, degraded) or can never be recorded (refused, logged with
// its reason) is moved out of the mailbox; only what a retry can cure (the database
// or the configuration down) stays, and the run stops there. An IMAP mailbox marks
// instead of moving (ImapIntake.h says how).
#pragma once

#include <string>
#include <vector>

namespace verpmail {

class ProgramBase;

struct IntakeSource
{
    enum class Kind { Mbox, Maildir, Imap };
    Kind kind;
    std::string path;  ///< "" for Imap: the bouncer.imap.* keys say where
};

/// Exit 0 (all processed), 75 (some left for a later run), 66 (unreadable), 64
/// (usage). Never throws.
int runIntakeCommand(ProgramBase& program, const IntakeSource& source, const std::vector<std::string>& args);

} // namespace verpmail
