// ReturnJson: the one-line JSON form of a parsed return (`verpmail-bouncer --parse`).
//
//   {"file":"x.eml","kind":"bounce","recipients":[{"address":"a@b.org","action":"failed",
//    "status":"5.1.1","class":"hard","reason":"userunknown","diagnostic":"..."}]}
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail {

/// The most bytes the line of `parsed` can take.
std::size_t returnJsonBound(std::string_view file, const ParsedReturn& parsed);

/// Writes the line (without its line break) at dst, which has room for
/// returnJsonBound(file, parsed) bytes, and returns its end. Bytes past the end,
/// within that room, may be overwritten.
char* writeReturnJson(char* dst, std::string_view file, const ParsedReturn& parsed);

/// Appends the line (without its line break) to out.
void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed);

} // namespace verpmail
