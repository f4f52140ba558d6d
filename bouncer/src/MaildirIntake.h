// MaildirIntake: `verpmail-bouncer --maildir DIR`, returns saved in a Maildir.
//
//   IntakeResult r = processMaildir("/home/bounces/Maildir", maxBytes, handler);
//
// Every message in DIR/new and DIR/cur (whatever its flags; DIR/tmp is a delivery in
// progress) is handed to the handler, oldest name first. A processed message is moved
// with rename(2) — atomic, never copied — into the Maildir++ folder DIR/.processed
// (created when missing; IMAP servers show it as "processed"), as cur/NAME:2,<flags>
// with the Seen flag added. Anything not processed stays where it was. Running two
// intakes at once is safe: a message another run moved away is skipped.
#pragma once

#include "Intake.h"

#include <cstddef>
#include <string>

namespace verpmail {

/// @throws IntakeError: Unreadable (DIR has no new/ and cur/), WriteFailed (the
///         .processed folder cannot be created; nothing was processed).
IntakeResult processMaildir(const std::string& dir, std::size_t maxMessageBytes, const OutcomeHandler& handle);

/// The folder processed messages go to: DIR/.processed.
std::string processedMaildirPath(const std::string& dir);

/// The name a processed message gets in .processed/cur: "NAME:2,FLAGS" with 'S'
/// added to the flags (kept sorted, as the Maildir convention asks).
std::string processedName(const std::string& name);

} // namespace verpmail
