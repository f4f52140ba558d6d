// Hmac: HMAC-SHA256 (RFC 2104) over Poco's SHA2Engine.
//
// Poco 1.11's HMACEngine template cannot take SHA2Engine as it is (it lacks the
// BLOCK_SIZE constant the template needs): a small subclass adds it.
#pragma once

#include <array>
#include <string_view>

namespace verpmail {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest hmacSha256(std::string_view key, std::string_view message);
Sha256Digest sha256(std::string_view message);

} // namespace verpmail
