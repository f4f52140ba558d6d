// ParseCommand: "verpmail-bouncer --parse FILE...": each file parsed as a return,
// without configuration or database, and one JSON line per file on stdout, in the
// order given:
//
//   {"file":"x.eml","kind":"bounce","recipients":[{"address":"a@b.org","action":"failed",
//    "status":"5.1.1","class":"hard","reason":"userunknown","diagnostic":"..."}]}
//
// feedback_type, campaign and problem follow the recipients when they are not empty.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"
#include "verpmail/util/ExitStatus.h"

#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

/// Ok, or NoInput when some file could not be read (it is named on stderr and the
/// others are still parsed); Usage with no file at all.
ExitStatus runParseCommand(const std::vector<std::string>& files);

/// Appends the line for one file (without its line break) to out.
void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed);

} // namespace verpmail
