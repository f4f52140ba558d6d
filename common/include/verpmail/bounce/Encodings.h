// Encodings: the byte-level decoders of MIME, written for broken input.
//
//   std::string text = decodeBase64(body);                  // skips junk, never throws
//   std::string utf8 = toUtf8(text, "iso-2022-jp");         // iconv; bad bytes -> U+FFFD
//
// Returned mail is often damaged (a relay wraps a line inside a base64 run, a
// quoted-printable '=' is not followed by hex, a Japanese MTA writes ISO-2022-JP
// without saying so), so these decoders keep what they can and never fail. All
// are linear in the input.
#pragma once

#include <string>
#include <string_view>

namespace verpmail::bounce {

/// Base64 that skips characters outside the alphabet and restarts after padding
/// (some MTAs encode line by line). Never fails.
std::string decodeBase64(std::string_view encoded);

/// Quoted-printable (RFC 2045 6.7): "=XX" and soft line breaks ("=\n"); a '=' not
/// followed by two hex digits is kept. With headerQ, '_' means a space (RFC 2047 "Q").
std::string decodeQuotedPrintable(std::string_view encoded, bool headerQ = false);

/// Converts text in the named charset to UTF-8 (glibc iconv). Unknown, absent or
/// already-UTF-8 charsets return the bytes unchanged; invalid sequences become
/// U+FFFD. ISO-2022-JP text is recognised by its escape sequences even when the
/// charset is not declared.
std::string toUtf8(std::string_view text, std::string_view charset);
/// toUtf8 into out, unless text needs no conversion: then false, and out is untouched.
bool convertToUtf8(std::string_view text, std::string_view charset, std::string& out);

} // namespace verpmail::bounce
