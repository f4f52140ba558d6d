// ImapIntake: `verpmail-bouncer --imap`, returns in a mailbox on an IMAP server.
//
//   ImapIntakeSettings s = imapIntakeSettingsFrom(config);
//   ImapClient imap(s.server);
//   IntakeResult r = processImap(imap, s, maxBytes, handler);
//
// The mailbox reader beside MboxIntake and MaildirIntake (Intake.h), with the same
// rule: a message is marked only once its return is stored. The handler's outcome
// decides, message by message, oldest UID first:
//   stored (recorded, duplicate, unattributed, degraded): it gets bouncer.imap.flag
//     and \Seen (after = flag), or the flag and then a move to bouncer.imap.moveTo
//     (after = move);
//   refused for good (Unrecordable, or any other outcome that stored nothing and
//     that a retry cannot cure): it gets kRefusedKeyword and stays where it is,
//     for a person to look at; it is not read again;
//   retryable (database or configuration down): nothing is changed, and the run
//     stops, leaving it and the rest for the next run.
// Only messages without the flag and kRefusedKeyword, and not \Deleted, are read
// (after = move: without kRefusedKeyword and not \Deleted, so a recorded message
// whose move failed is recorded again, as a duplicate, and moved). Fetching never
// sets \Seen.
#pragma once

#include "Intake.h"

#include "verpmail/mail/ImapClient.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <cstddef>
#include <string>

namespace verpmail {

/// The keyword of a message the database refuses for good (logged status=refused).
inline constexpr const char* kRefusedKeyword = "$VerpmailRefused";

struct ImapIntakeSettings
{
    enum class After { Flag, Move };
    ImapSettings server;
    After after = After::Flag;
    std::string flag = "$VerpmailRecorded";
    std::string moveTo;
};

/// The bouncer.imap.* keys, checked; the password read from bouncer.imap.passwordFile
/// (checkPrivateFile: mode 0600, owned by the running user or root).
/// @throws ConfigError naming the key and what is wrong
ImapIntakeSettings imapIntakeSettingsFrom(const Poco::Util::AbstractConfiguration& config);

/// The UID SEARCH criteria of the messages still to read.
std::string imapSearchCriteria(const ImapIntakeSettings& settings);

/// Reads the mailbox as the file comment says.
/// @throws IntakeError Unavailable: the server failed or refused a command (what was
///         recorded before is recorded; a message recorded but not yet marked is read
///         again next time, a duplicate).
IntakeResult processImap(ImapSession& mailbox, const ImapIntakeSettings& settings, std::size_t maxMessageBytes,
                         const OutcomeHandler& handle);

} // namespace verpmail
