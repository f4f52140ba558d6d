// Intake: the vocabulary shared by the mailbox readers (--mbox, --maildir, --imap).
//
// A reader hands each saved message to a handler and acts on its outcome: one that a
// retry can cure (isRetryable: the database or the configuration is down) leaves the
// message, and every one after it, exactly where it was for the next run; any other
// moves it out of the way (MboxIntake.h, MaildirIntake.h, ImapIntake.h say where).
// Readers know nothing about the database; the handler (IntakeCommand, through
// MessageProcessor) knows nothing about files.
#pragma once

#include "IncomingMessage.h"
#include "ReturnContract.h"

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace verpmail {

/// A reader hands over each saved message as it found it: data (at most
/// maxMessageBytes; mbox: unquoted, no "From " line), totalBytes, sender (the mbox
/// "From " line's, or "") and source ("mbox=FILE offset=N", "maildir=DIR file=NAME",
/// "imap=URL uid=N"); the handler says what became of it.
using OutcomeHandler = std::function<Outcome(IncomingMessage&)>;

struct IntakeResult
{
    std::size_t messages = 0;    ///< messages found
    std::size_t processed = 0;   ///< processed and moved out
    std::size_t left = 0;        ///< still in the mailbox for the next run
    std::size_t unreadable = 0;  ///< message files that could not be read (Maildir), also in left
    std::vector<std::string> problems;  ///< one line per message left behind for a reason of its own
};

/// The mailbox itself cannot be used. Nothing in it was changed.
class IntakeError : public std::runtime_error
{
public:
    enum class Kind
    {
        Unreadable,  ///< missing, unreadable, not an mbox / not a Maildir
        Busy,        ///< locked by someone else for too long
        WriteFailed,  ///< could not move processed messages out (they stay, and count again next time)
        Unavailable   ///< the IMAP server cannot be reached or refuses a command (--imap)
    };
    IntakeError(Kind kind, const std::string& what) : std::runtime_error(what), _kind(kind) {}
    Kind kind() const { return _kind; }

private:
    Kind _kind;
};

} // namespace verpmail
