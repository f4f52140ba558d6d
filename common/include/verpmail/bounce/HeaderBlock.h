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
// The fields are views of the parsed text, which must outlive the block. A folded
// field is unfolded the first time its value is read, so reading is not thread-safe:
// one thread at a time may use a block (each message is parsed in one thread).
#pragma once

#include "verpmail/bounce/TextScan.h"

#include <cstddef>
#include <cstdint>
#include <forward_list>
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
    // Performance: inline, so that a name absent from the block (most of those asked
    // for) is turned away by its filter bit without a call; for a name written in the
    // call the key and the bit are constants.
    std::string_view find(std::string_view name) const
    {
        const std::uint32_t key = nameKey(name);
        return (_keysPresent & keyBit(key)) == 0 ? std::string_view() : findKey(name, key);
    }
    std::vector<std::string> getAll(std::string_view name) const;
    bool has(std::string_view name) const
    {
        const std::uint32_t key = nameKey(name);
        return (_keysPresent & keyBit(key)) != 0 && indexOfKey(name, key) < _fields.size();
    }

    /// The fields in arrival order.
    std::size_t size() const { return _fields.size(); }
    std::string_view fieldName(std::size_t i) const
    {
        const Field& field = _fields[i];
        return std::string_view(field.kind == Kind::Added ? _copies : _source).substr(field.nameOffset, field.nameLength);
    }
    /// Valid while this block lives and is not added to.
    std::string_view fieldValue(std::size_t i) const
    {
        const Field& field = _fields[i];
        if (field.kind == Kind::Plain)
            return _source.substr(field.valueOffset, field.valueLength);
        if (field.kind == Kind::Added)
            return std::string_view(_copies).substr(field.valueOffset, field.valueLength);
        return unfolded(i);
    }
    bool empty() const { return _fields.empty(); }
    /// Adds a copy of field (the block does not refer to its strings); ignored when the
    /// block's copies would pass 4 GiB.
    void add(const HeaderField& field);

private:
    // Performance: a field is two slices of the parsed text, so a header costs one
    // allocation (the field list) and copies nothing. A folded field's value must be
    // unfolded into a copy, but most folded fields (Received, DKIM-Signature, ARC-*)
    // are never read: parse notes only where its lines lie, and the first read
    // unfolds it into _unfolded. Offsets rather than views: a copy of the block stays
    // valid. 32-bit offsets keep a field at 24 bytes, so the list of a typical header
    // (a handful of fields) is a small block malloc hands out from its per-thread
    // cache; parse looks at no more than kMaxText bytes and add refuses what would
    // not fit.
    enum class Kind : std::uint8_t
    {
        Plain,      ///< name and value are slices of the parsed text
        Folded,     ///< the value's lines are the slice valueOffset/valueLength of the parsed text, not yet unfolded
        Unfolded,   ///< the value is the valueOffset-th string unfolded (in order of unfolding)
        Added,      ///< name and value are slices of _copies
    };
    struct Field
    {
        std::uint32_t nameOffset = 0;
        std::uint32_t nameLength = 0;
        // mutable: reading a Folded field makes it Unfolded.
        mutable std::uint32_t valueOffset = 0;
        mutable std::uint32_t valueLength = 0;
        /// nameKey(name): looking a name up compares this before the name's bytes.
        std::uint32_t key = 0;
        mutable Kind kind = Kind::Plain;
    };
    static constexpr std::size_t kMaxText = 0xFFFFFFFFu;
    static constexpr std::size_t kFieldsReserved = 16;
    /// Equal for names that are equal ignoring case; rarely equal for others: the
    /// length and the first, middle and last bytes, A-Z lower-cased.
    static std::uint32_t nameKey(std::string_view name)
    {
        const std::size_t n = name.size();
        if (n == 0)
            return 0;
        // (The fold table, not arithmetic: parse keys every field so.)
        const auto fold = [&](std::size_t i) {
            return static_cast<std::uint32_t>(foldByte(static_cast<unsigned char>(name[i])));
        };
        return static_cast<std::uint32_t>(n & 0xFFu) | fold(0) << 8 | fold(n / 2) << 16 | fold(n - 1) << 24;
    }
    /// Whether field i is called name (case-insensitive); key is nameKey(name).
    bool hasName(std::size_t i, std::string_view name, std::uint32_t key) const;
    /// The index of the first field called name (past the name filter: key is
    /// nameKey(name) and its bit is set), or size().
    std::size_t indexOfKey(std::string_view name, std::uint32_t key) const;
    /// find past the name filter.
    std::string_view findKey(std::string_view name, std::uint32_t key) const;
    /// The bit of _keysPresent that stands for key.
    static constexpr std::uint64_t keyBit(std::uint32_t key)
    {
        return std::uint64_t{1} << ((key * 0x9E3779B1u) >> 26);
    }
    /// The value of field i, a Folded or Unfolded field (unfolding it if Folded).
    std::string_view unfolded(std::size_t i) const;

    std::string_view _source;
    std::string _copies;
    std::vector<Field> _fields;
    // Performance: most names the parser asks for are absent (X-Failed-Recipients,
    // the headers of each vendor's format), and each such lookup read every field's
    // key. A bit per key present (keyBit; a Bloom filter of one hash) turns most of
    // them away at once; a header of twenty fields sets under a third of the bits.
    std::uint64_t _keysPresent = 0;
    /// Cut for unfolded values, as parse was given it.
    std::size_t _maxFieldBytes = 0;
    // Unfolded values, newest first. A list: its strings never move, so a view of
    // one stays valid however many are unfolded after it (and across a move of the
    // block); an empty one allocates nothing. mutable: reading a field fills it.
    mutable std::forward_list<std::string> _unfolded;
    mutable std::uint32_t _unfoldedCount = 0;
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
