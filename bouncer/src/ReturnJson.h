// ReturnJson: the one-line JSON form of a parsed return (`verpmail-bouncer --parse`).
//
//   {"file":"x.eml","kind":"bounce","recipients":[{"address":"a@b.org","action":"failed",
//    "status":"5.1.1","class":"hard","reason":"userunknown","diagnostic":"..."}]}
//
// feedback_type, campaign and problem follow the recipients when they are not empty.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string>
#include <string_view>

namespace verpmail {

/// Appends the line (without its line break) to out.
void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed);

} // namespace verpmail
