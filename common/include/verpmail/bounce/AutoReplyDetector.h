// AutoReplyDetector: decides from the top-level header whether a message is an
// automatic answer (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply, vendor
// vacation headers, or an out-of-office subject in one of several languages).
//
// Delivery status notifications are auto-generated too, so the caller asks this
// only after ruling out DSNs and feedback reports.
#pragma once

#include "verpmail/bounce/HeaderBlock.h"

namespace verpmail::bounce {

bool isAutoReply(const HeaderBlock& headers);

/// Whether the message answers mail: an auto-reply, Auto-Submitted other than "no" or
/// "auto-generated" (what feedback reports carry), or In-Reply-To / References naming
/// a Message-ID of the sender's shape <campaign.HEX20@domain>. Never a complaint.
bool answersMail(const HeaderBlock& headers);

} // namespace verpmail::bounce
