// JsonReader: a strict, bounded reader of one JSON document (RFC 8259) into a flat
// tree of views, for the ESP notifications the bounce parser reads.
//
//   JsonDocument doc;
//   if (doc.parse(text))
//       for (const JsonValue item : doc.root().member("list").elements())
//           use(item.member("name").string());
//
// Why not Poco::JSON: it built a map of heap-allocated Vars per object and copied
// every string, about 250k instructions for one 2 KB SES notification; this reads
// the same document in about 20k, into one vector, with strings viewed in place
// unless they hold escapes.
//
// What it takes is exactly RFC 8259: one value between optional white space
// (space, tab, LF, CR); strings of well-formed UTF-8 (no surrogates, nothing past
// U+10FFFF, no overlong forms) without raw control characters; all escapes,
// \uXXXX surrogate pairs decoded to UTF-8 (a lone surrogate is an error, as is a
// number lexeme off the grammar); at most kMaxDepth nested arrays and objects.
// Anything else, truncated input included, makes parse() return false: no
// exception, no read outside the text, no recursion (an explicit stack).
// Numbers are kept as their text: nothing here needs their value, and no range
// limit applies. A duplicate key is kept; member() finds the last one, as Poco and
// ECMAScript's JSON.parse do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class JsonDocument;

enum class JsonKind : std::uint8_t
{
    Missing, ///< no such value: a member or document that is not there
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
};

/// One value of a JsonDocument, valid while the document and its text live. A
/// lookup that finds nothing gives a Missing value, whose lookups find nothing in
/// turn, so a path reads without a test at each step.
class JsonValue
{
public:
    JsonValue() = default;

    JsonKind kind() const;
    bool isMissing() const { return kind() == JsonKind::Missing; }
    bool isObject() const { return kind() == JsonKind::Object; }
    bool isArray() const { return kind() == JsonKind::Array; }
    bool isString() const { return kind() == JsonKind::String; }

    /// A string's text, escapes decoded; "" for every other kind.
    std::string_view string() const;
    /// The value as written in the document (a string with its quotes and escapes);
    /// "" for Missing.
    std::string_view source() const;

    /// The value of the last member named key, if this is an object that has one.
    JsonValue member(std::string_view key) const;

    class Iterator;
    class MemberIterator;
    template <typename It>
    struct Range
    {
        It first;
        It last;
        It begin() const { return first; }
        It end() const { return last; }
    };
    /// An array's elements in order; nothing for every other kind.
    Range<Iterator> elements() const;
    /// An object's members in document order, duplicates included; nothing for every
    /// other kind.
    Range<MemberIterator> members() const;

private:
    friend class JsonDocument;
    JsonValue(const JsonDocument* document, std::uint32_t node) : _document(document), _node(node) {}

    const JsonDocument* _document = nullptr;
    std::uint32_t _node = 0;
};

class JsonDocument
{
public:
    /// Deepest nesting of arrays and objects accepted (Poco's default too).
    static constexpr std::size_t kMaxDepth = 128;

    JsonDocument() = default;
    // Values point at their document.
    JsonDocument(const JsonDocument&) = delete;
    JsonDocument& operator=(const JsonDocument&) = delete;

    /// Reads text, which must outlive the document's values, replacing what an
    /// earlier parse read. False, and root() Missing, when text is not one JSON value.
    bool parse(std::string_view text);

    JsonValue root() const { return _nodes.empty() ? JsonValue() : JsonValue(this, 0); }

private:
    friend class JsonValue;
    friend class JsonTreeBuilder;

    // The tree in document order: an array's elements follow it, an object's members
    // follow it as key then value. `end` skips a value's whole subtree.
    struct Node
    {
        JsonKind kind;
        bool decoded;             // a string's text is in _decoded, not the source
        std::uint32_t sourceBegin; // the value as written
        std::uint32_t sourceLength;
        std::uint32_t textBegin; // a string's text, in the source or _decoded
        std::uint32_t textLength;
        std::uint32_t end; // index of the node after this value's subtree
    };

    std::string_view _source;
    std::vector<Node> _nodes;
    std::string _decoded; // strings that held escapes, decoded one after another
};

class JsonValue::Iterator
{
public:
    JsonValue operator*() const { return JsonValue(_document, _node); }
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return _node != other._node; }

private:
    friend class JsonValue;
    Iterator(const JsonDocument* document, std::uint32_t node) : _document(document), _node(node) {}

    const JsonDocument* _document;
    std::uint32_t _node;
};

struct JsonMember
{
    std::string_view name;
    JsonValue value;
};

class JsonValue::MemberIterator
{
public:
    JsonMember operator*() const;
    MemberIterator& operator++();
    bool operator!=(const MemberIterator& other) const { return _node != other._node; }

private:
    friend class JsonValue;
    MemberIterator(const JsonDocument* document, std::uint32_t node) : _document(document), _node(node) {}

    const JsonDocument* _document;
    std::uint32_t _node; // the member's name
};

} // namespace verpmail
