// NonStandardFormats: reads bounces that are not RFC 3464 DSNs: the plain-text
// reports of qmail, Exim, old Sendmail, Exchange, Gmail, Yahoo, Courier, Lotus
// Notes, mail appliances and the like.
//
// There is no parser per MTA. The formats share a shape: some prose, the failed
// address(es) each followed by the remote server's answer, then a marker line and a
// copy of the original message. So the rules are data: the marker lines that start
// the returned copy (OriginalMessage), the subjects, senders and phrases that mark a
// bounce (here), and one scanner that splits the prose at the failed addresses
// (ErrorTextScan).
#pragma once

#include "verpmail/bounce/ErrorTextScan.h"
#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/OriginalMessage.h"
#include "verpmail/bounce/ParsedReturn.h"

#include <string_view>

namespace verpmail::bounce {

/// True when the top-level header says "this is a bounce" (null sender, MAILER-DAEMON,
/// a delivery-failure subject in one of several languages, X-Failed-Recipients, ...).
bool looksLikeBounceHeader(const HeaderBlock& headers);

/// True when prose reads like a delivery failure report ("could not be delivered", ...).
bool looksLikeBounceText(std::string_view text);

/// True when a report's prose says delivery is still being tried (a warning, not a
/// failure) and nowhere that it failed for good.
bool isDelayNotice(std::string_view text);

/// Fills status and reply code from the diagnostic text when they are empty.
void fillCodesFromText(RecipientResult& result);

} // namespace verpmail::bounce
