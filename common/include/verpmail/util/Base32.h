// Base32: RFC 4648 base32 in lower case, without padding.
//
// Tokens that travel in addresses and URLs use it: lower case survives MTAs that
// fold case and case-insensitive columns, and the alphabet needs no escaping.
#pragma once

#include <cstddef>
#include <string>

namespace verpmail {

/// The first `chars` characters of the base32 form of data[0, bytes).
std::string base32Lower(const unsigned char* data, std::size_t bytes, std::size_t chars);

} // namespace verpmail
