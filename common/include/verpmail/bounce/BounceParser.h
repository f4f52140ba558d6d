// BounceParser: turns the raw bytes of a returned message into a ParsedReturn.
//
//   verpmail::ParsedReturn r = verpmail::parseReturn(bytes);
//   for (const auto& rcpt : r.recipients) use(rcpt.address, rcpt.bounceClass);
//
// Input is untrusted. The parser never throws on bad input and never reads past
// ParseLimits; garbage gives kind == Other with no recipients. LF, CRLF and bare
// CR line ends are all accepted. The classifier is applied to every recipient.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string_view>

namespace verpmail {

/// Parses one returned message. Never throws for malformed input
/// (std::bad_alloc can still escape).
ParsedReturn parseReturn(std::string_view message, const ParseLimits& limits = {});

} // namespace verpmail
