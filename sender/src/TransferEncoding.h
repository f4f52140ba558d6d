// TransferEncoding: the MIME transfer encodings (RFC 2045) a personalised text part is
// decoded from once and re-encoded in for every recipient, plus the small text checks
// that decide when a part must change its encoding.
//
//   std::optional<std::string> text = mime::decodeBase64(partBody);   // nullopt: not base64
//   mime::appendQuotedPrintable(out, text);                              // CRLF, lines <= 76
//
// Decoders never throw: quoted-printable decoding is lenient (a stray '=' stays as it
// is), base64 decoding reports characters outside the alphabet with nullopt.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail::mime {

/// Appends text as quoted-printable. "\r\n" and "\n" in text are line breaks and become
/// CRLF; encoded lines are at most 76 characters (soft breaks "=\r\n" never split an
/// "=XX" escape); '=', control and 8-bit bytes, and a space or tab before a line break are
/// escaped. Nothing follows the last line unless text ends with a line break.
void appendQuotedPrintable(std::string& out, std::string_view text);

/// Appends bytes as base64 in lines of 76 characters separated by CRLF (none after the last).
void appendBase64Lines(std::string& out, std::string_view bytes);

/// Base64 without line breaks (for RFC 2047 encoded-words).
std::string base64(std::string_view bytes);

/// Decodes a quoted-printable body: soft breaks joined, "=XX" decoded, trailing blanks of
/// encoded lines dropped (RFC 2045 6.7 rule 3); a malformed '=' is kept literally.
std::string decodeQuotedPrintable(std::string_view body);

/// Decodes a base64 body, ignoring whitespace and line breaks; nullopt when a character
/// outside the base64 alphabet appears (the part is then passed through untouched).
std::optional<std::string> decodeBase64(std::string_view body);


/// True when a byte >= 0x80 appears.
bool hasEightBit(std::string_view text);

/// Octets in the longest line, not counting CR or LF.
std::size_t longestLine(std::string_view text);

} // namespace verpmail::mime
