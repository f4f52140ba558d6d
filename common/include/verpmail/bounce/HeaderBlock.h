// HeaderBlock: an RFC 5322 header section, unfolded, in arrival order.
//
//   std::size_t bodyAt = 0;
//   HeaderBlock h = HeaderBlock::parse(text, limits.maxHeaderBytes, &bodyAt);
//   std::string_view subject = h.find("Subject");   // valid while h lives
//
// Written by hand rather than with Poco::Net::MessageHeader because returned mail
// is often broken (mbox "From " lines, lines without a colon, NUL bytes, thousands
// of Received lines) and MessageHeader throws on such input; here a bad line ends
// or is skipped, never an error. Input must have LF line ends.
//
// Fields on one line are views of the parsed text, which must outlive the block;
// folded fields are unfolded into copies the block owns.
#pragma once


#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail::bounce {

class HeaderBlock
{
public:
    /// Parses header fields from the start of text up to the first empty line.
    /// Each unfolded field is cut at maxFieldBytes; at most maxFields are kept.
    /// *bodyOffset (if given) receives the offset of the body (after the empty line).
    static HeaderBlock parse(std::string_view text, std::size_t maxFieldBytes,
                             std::size_t* bodyOffset = nullptr, std::size_t maxFields = 2000);

    /// The first field of that name (case-insensitive), or ""; valid while this block lives.
    std::string_view find(std::string_view name) const;
    std::vector<std::string> getAll(std::string_view name) const;
    bool has(std::string_view name) const;

    /// The fields in arrival order.
    std::size_t size() const { return _fields.size(); }
    std::string_view fieldName(std::size_t i) const { return _fields[i].name; }
    /// Valid while this block lives.
    std::string_view fieldValue(std::size_t i) const { return text(_fields[i].value); }
    bool empty() const { return _fields.empty(); }

private:
    // A value: a view of the parsed text, or the index of an unfolded value in
    // _owned. An index, not a view: a copy or a move of the block stays valid.
    struct Text
    {
        std::string_view view;
        std::size_t owned = kNotOwned;
    };
    static constexpr std::size_t kNotOwned = static_cast<std::size_t>(-1);
    struct Field
    {
        std::string_view name;   ///< always a view of the parsed text
        Text value;
    };
    std::string_view text(const Text& t) const { return t.owned == kNotOwned ? t.view : _owned[t.owned]; }
    Text own(std::string s);

    std::vector<Field> _fields;
    std::vector<std::string> _owned;
};

/// Decodes RFC 2047 encoded words (=?charset?B|Q?...?=) and converts them to UTF-8
/// (toUtf8 in Encodings.h). Malformed words are left as they are.
std::string decodeEncodedWords(std::string_view text);

/// A parsed Content-Type value.
struct ContentType
{
    std::string type;                              ///< lower-case "type/subtype", "" when absent
    /// Parameters in order, names lower-case.
    std::vector<std::pair<std::string, std::string>> params;
    /// The value of the last parameter of that (lower-case) name, or "".
    std::string param(std::string_view name) const { return std::string(paramView(name)); }
    /// The same without a copy: valid while this ContentType lives and is not changed or moved.
    std::string_view paramView(std::string_view name) const;
};

ContentType parseContentType(std::string_view value);

} // namespace verpmail::bounce
