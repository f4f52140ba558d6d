// Utf8mb4: any bytes made into text MariaDB's utf8mb4 character set accepts.
//
// Returns carry text from foreign MTAs in any charset, or none. Under strict mode
// the server refuses a whole INSERT for one sequence its utf8mb4 does not accept,
// so every text column is cleaned with these functions first. The rule is the
// server's, byte for byte (tests/integration/Utf8mb4ServerTest.cpp checks it against
// a real MariaDB): well-formed UTF-8 of one to four bytes up to U+10FFFF, without
// overlong forms. The server takes U+0000, noncharacters and the encoded surrogates
// ED A0..BF xx, so they are kept.
//
//   std::string clean = toUtf8mb4(diagnostic);   // invalid parts become U+FFFD
//   bool accepted = clean == diagnostic;          // the server takes it as it is
//   std::string_view cut = utf8Prefix(clean, 1000);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail {

/// The replacement character U+FFFD, as UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

/// `bytes` with every sequence the server's utf8mb4 accepts kept as it is and each
/// maximal ill-formed part (a byte that cannot start a sequence, or a start with
/// the continuation bytes that fit it before the sequence breaks off) replaced by
/// one U+FFFD, as the Unicode standard recommends.
std::string toUtf8mb4(std::string_view bytes);

/// The longest prefix of `text` of at most `maxBytes` bytes that does not end inside
/// a multi-byte sequence. `text` should be valid utf8mb4 (toUtf8mb4).
std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes);

} // namespace verpmail
