// HeaderBlock: an RFC 5322 header section, unfolded, in arrival order.
//
//   std::size_t bodyAt = 0;
//   HeaderBlock h = HeaderBlock::parse(text, limits.maxHeaderBytes, &bodyAt);
//   std::string subject = h.get("Subject");
//
// Written by hand rather than with Poco::Net::MessageHeader because returned mail
// is often broken (mbox "From " lines, lines without a colon, NUL bytes, thousands
// of Received lines) and MessageHeader throws on such input; here a bad line ends
// or is skipped, never an error. Input must have LF line ends.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

struct HeaderField
{
    std::string name;
    std::string value;   ///< unfolded, trimmed, at most the field limit
};

class HeaderBlock
{
public:
    /// Parses header fields from the start of text up to the first empty line.
    /// Each unfolded field is cut at maxFieldBytes; at most maxFields are kept.
    /// *bodyOffset (if given) receives the offset of the body (after the empty line).
    static HeaderBlock parse(std::string_view text, std::size_t maxFieldBytes,
                             std::size_t* bodyOffset = nullptr, std::size_t maxFields = 2000);

    /// The first field of that name (case-insensitive), or "".
    std::string get(std::string_view name) const;
    std::vector<std::string> getAll(std::string_view name) const;
    bool has(std::string_view name) const;

    const std::vector<HeaderField>& fields() const { return _fields; }
    bool empty() const { return _fields.empty(); }
    void add(HeaderField field) { _fields.push_back(std::move(field)); }

private:
    std::vector<HeaderField> _fields;
};

/// Decodes RFC 2047 encoded words (=?charset?B|Q?...?=) and converts them to UTF-8
/// (toUtf8 in Encodings.h). Malformed words are left as they are.
std::string decodeEncodedWords(std::string_view text);

/// A parsed Content-Type value.
struct ContentType
{
    std::string type;                              ///< lower-case "type/subtype", "" when absent
    std::map<std::string, std::string> params;     ///< lower-case names
    std::string param(const std::string& name) const;
};

ContentType parseContentType(std::string_view value);

} // namespace verpmail::bounce
