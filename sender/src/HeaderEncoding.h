// HeaderEncoding: header values that carry per-recipient text.
//
//   std::string v = mime::encodeUnstructured(" Hello Zo\xC3\xAB!", 8);
//   // " Hello =?UTF-8?B?Wm/Dq yE=?="  (the word with 8-bit bytes as an RFC 2047 encoded-word)
//
// A value inserted into a header may be non-ASCII (a member's name) or long; RFC 5322
// headers are ASCII with lines of at most 998 octets, so such words become RFC 2047
// encoded-words and long lines are folded. Pure functions; nothing throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail::mime {

/// UTF-8 text as RFC 2047 "B" encoded-words of at most 75 characters each, split only
/// between UTF-8 characters and joined by a fold ("\r\n "). "" for empty text.
std::string encodedWords(std::string_view utf8);

/// Makes an unstructured header value (the text after "Name:", folds allowed) fit for
/// the wire: every run of whitespace-separated words holding 8-bit bytes, or a word
/// longer than 900 octets, becomes encoded-words (whitespace inside the run goes into
/// the encoding, since whitespace between encoded-words is not displayed); then any line
/// longer than 998 octets is folded at whitespace. startColumn is the length of "Name:".
std::string encodeUnstructured(std::string_view value, std::size_t startColumn);

} // namespace verpmail::mime
