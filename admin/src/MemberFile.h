// MemberFile: reads a member import file.
//
// One member per line: "address" or "address,name". Blank lines and lines starting
// with '#' are skipped; CRLF is accepted; a name may be in double quotes. Addresses
// are validated and normalised; duplicates keep the first line.
#pragma once

#include "verpmail/store/ListStore.h"

#include <istream>
#include <string>
#include <vector>

namespace verpmail {

struct MemberFileResult
{
    std::vector<NewMember> members;
    std::vector<std::string> errors;  ///< "line N: why", printable and bounded
    std::size_t duplicates = 0;
};

MemberFileResult readMemberFile(std::istream& in);

} // namespace verpmail
