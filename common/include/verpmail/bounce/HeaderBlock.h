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
//
// The fields are views of the parsed text, which must outlive the block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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
    /// The block refers to text: it is valid only while text is.
    /// *bodyOffset (if given) receives the offset of the body (after the empty line).
    static HeaderBlock parse(std::string_view text, std::size_t maxFieldBytes,
                             std::size_t* bodyOffset = nullptr, std::size_t maxFields = 2000);

    /// The first field of that name (case-insensitive), or "".
    std::string get(std::string_view name) const { return std::string(find(name)); }
    /// The same without a copy; valid while this block lives and is not added to.
    std::string_view find(std::string_view name) const;
    std::vector<std::string> getAll(std::string_view name) const;
    bool has(std::string_view name) const;

    /// The fields in arrival order.
    std::size_t size() const { return _fields.size(); }
    std::string_view fieldName(std::size_t i) const
    {
        return base(_fields[i]).substr(_fields[i].nameOffset, _fields[i].nameLength);
    }
    std::string_view fieldValue(std::size_t i) const
    {
        return base(_fields[i]).substr(_fields[i].valueOffset, _fields[i].valueLength);
    }
    bool empty() const { return _fields.empty(); }
    /// Adds a copy of field (the block does not refer to its strings); ignored when the
    /// block's copies would pass 4 GiB.
    void add(const HeaderField& field);

private:
    // Performance: a field is two slices of the parsed text, so a header costs one
    // allocation (the field list) and copies nothing; only a folded field (its value
    // must be unfolded) and an added one are copied, into _copies. Offsets rather
    // than views: a copy of the block stays valid. 32-bit offsets keep a field at 24
    // bytes, so the list of a typical header (a handful of fields) is a small block
    // malloc hands out from its per-thread cache; parse looks at no more than
    // kMaxText bytes and add refuses what would not fit.
    struct Field
    {
        std::uint32_t nameOffset = 0;
        std::uint32_t nameLength = 0;
        std::uint32_t valueOffset = 0;
        std::uint32_t valueLength = 0;
        /// nameKey(name): looking a name up compares this before the name's bytes.
        std::uint32_t key = 0;
        bool copied = false;   ///< both slices are of _copies, not of the parsed text
    };
    static constexpr std::size_t kMaxText = 0xFFFFFFFFu;
    static constexpr std::size_t kFieldsReserved = 16;
    static constexpr std::size_t kCopiesReserved = 1000;
    std::string_view base(const Field& field) const { return field.copied ? std::string_view(_copies) : _source; }
    /// Equal for names that are equal ignoring case; rarely equal for others.
    static std::uint32_t nameKey(std::string_view name);
    /// Whether field i is called name (case-insensitive); key is nameKey(name).
    bool hasName(std::size_t i, std::string_view name, std::uint32_t key) const;
    std::size_t indexOf(std::string_view name) const;
    /// Appends a continuation line to the last field (copying it out first). continuation
    /// is a trimmed line of the parsed text that began with a blank (that byte is read).
    void unfoldLast(std::string_view continuation, std::size_t maxFieldBytes);

    std::string_view _source;
    std::string _copies;
    std::vector<Field> _fields;
};

/// Decodes RFC 2047 encoded words (=?charset?B|Q?...?=) and converts them to UTF-8
/// (toUtf8 in Encodings.h). Malformed words are left as they are.
std::string decodeEncodedWords(std::string_view text);

/// A parsed Content-Type value.
struct ContentType
{
    std::string type;                              ///< lower-case "type/subtype", "" when absent
    /// Parameters in order, names lower-case (a short list: cheaper than a map to fill).
    std::vector<std::pair<std::string, std::string>> params;
    /// The value of the last parameter of that (lower-case) name, or "".
    std::string param(std::string_view name) const { return std::string(paramView(name)); }
    /// The same without a copy: valid while this ContentType lives and is not changed or moved.
    std::string_view paramView(std::string_view name) const;
};

ContentType parseContentType(std::string_view value);

} // namespace verpmail::bounce
