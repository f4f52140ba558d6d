// JsonReader: see the header. One pass over the text with an explicit stack of the
// open arrays and objects, so hostile nesting costs a bounded array, not the call
// stack; every read of a byte is behind a test of the text's end.
#include "verpmail/util/JsonReader.h"

#include "verpmail/util/Swar.h"

#include <array>
#include <cstring>
#include <limits>

namespace verpmail {

namespace {

/// Bytes a string takes as they are: ASCII from the space up, DEL too (RFC 8259
/// lets it stand), but '"' and '\\'.
constexpr std::array<bool, 256> kPlainStringByte = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c)
        plain[c] = c != '"' && c != '\\';
    return plain;
}();

/// The bytes of the eight at p that a string cannot take as they are ('"', '\\',
/// control characters, non-ASCII), flagged exactly (no borrow flags a byte falsely)
/// so that swar::firstByte finds the first on either byte order. Notification
/// strings are long plain runs: ids, addresses, diagnostics.
std::uint64_t specialStringBytes(const char* p)
{
    const std::uint64_t x = swar::load8(p);
    // A byte below 0x20 stays below 0x80 when 0x60 is added to it; the high bits are
    // masked off first so that no sum carries into the next byte.
    const std::uint64_t control = ~(((x & ~swar::kHigh) + 0x60 * swar::kOnes) | x) & swar::kHigh;
    return (x & swar::kHigh) | control | swar::bytesEqual(x, '"') | swar::bytesEqual(x, '\\');
}

constexpr bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// 0-15, or -1 for a byte that is no hex digit.
constexpr int hexValue(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

constexpr bool isContinuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/// Length of the well-formed UTF-8 sequence of a lead byte >= 0x80 at p, or 0 (the
/// ranges of Unicode's table 3-7: no overlong forms, surrogates or code points past
/// U+10FFFF, which Poco refused too).
std::size_t utf8SequenceLength(const unsigned char* p, std::size_t available)
{
    const unsigned char lead = p[0];
    if (lead < 0xC2 || lead > 0xF4)
        return 0;
    if (lead < 0xE0)
        return available >= 2 && isContinuation(p[1]) ? 2 : 0;
    const std::size_t length = lead < 0xF0 ? 3 : 4;
    if (available < length)
        return 0;
    // Only the second byte's range depends on the lead.
    const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    if (p[1] < low || p[1] > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (!isContinuation(p[k]))
            return 0;
    return length;
}

/// Writes codePoint (a scalar value, not a surrogate) as UTF-8 at out; returns the
/// number of bytes written, 1 to 4.
std::size_t writeUtf8(char* out, std::uint32_t codePoint)
{
    if (codePoint < 0x80)
    {
        out[0] = static_cast<char>(codePoint);
        return 1;
    }
    if (codePoint < 0x800)
    {
        out[0] = static_cast<char>(0xC0 | (codePoint >> 6));
        out[1] = static_cast<char>(0x80 | (codePoint & 0x3F));
        return 2;
    }
    if (codePoint < 0x10000)
    {
        out[0] = static_cast<char>(0xE0 | (codePoint >> 12));
        out[1] = static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (codePoint & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (codePoint >> 18));
    out[1] = static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (codePoint & 0x3F));
    return 4;
}

} // namespace

// Reads one document into a JsonDocument's nodes. A friend of the document rather
// than code in parse(): the reading state (position, open containers) is no part of
// a document.
class JsonTreeBuilder
{
public:
    JsonTreeBuilder(std::string_view text, std::vector<JsonDocument::Node>& nodes, std::string& decoded)
        : _text(text), _nodes(nodes), _decoded(decoded)
    {
    }

    bool build();

private:
    using Node = JsonDocument::Node;

    bool readScalar();
    bool readString();
    void skipPlainStringBytes();
    bool readEscape();
    bool readHexQuad(std::size_t at, std::uint32_t& value) const;
    bool readNumber();
    bool readLiteral(std::string_view word, JsonKind kind);
    bool readMemberName();
    bool openContainer(JsonKind kind);
    void closeContainer();
    void skipSpace();
    bool atEnd() const { return _pos >= _text.size(); }
    std::uint32_t offset(std::size_t at) const { return static_cast<std::uint32_t>(at); }
    void appendDecoded(const char* from, std::size_t length)
    {
        std::memcpy(&_decoded[_decodedLength], from, length);
        _decodedLength += length;
    }
    void addLeaf(JsonKind kind, std::size_t begin)
    {
        const auto index = offset(_nodes.size());
        _nodes.push_back(Node{kind, false, offset(begin), offset(_pos - begin), 0, 0, index + 1});
    }

    std::string_view _text;
    std::vector<Node>& _nodes;
    std::string& _decoded;
    // Bytes of _decoded written. It is sized once, to the text's length, at the first
    // escape: a string's decoded text is never longer than the text between its
    // quotes (every escape is longer than what it stands for), so it never grows.
    std::size_t _decodedLength = 0;
    std::size_t _pos = 0;
    std::array<std::uint32_t, JsonDocument::kMaxDepth> _open{}; // node index of each open container
    std::size_t _depth = 0;
};

bool JsonTreeBuilder::build()
{
    skipSpace();
    bool valueExpected = true;
    for (;;)
    {
        if (valueExpected)
        {
            if (atEnd())
                return false;
            const char c = _text[_pos];
            if (c == '{' || c == '[')
            {
                if (!openContainer(c == '{' ? JsonKind::Object : JsonKind::Array))
                    return false;
                skipSpace();
                if (!atEnd() && _text[_pos] == (c == '{' ? '}' : ']'))
                {
                    closeContainer();
                    valueExpected = false;
                }
                else if (c == '{' && !readMemberName())
                {
                    return false;
                }
                continue;
            }
            if (!readScalar())
                return false;
            valueExpected = false;
            continue;
        }
        // A value is complete: what follows it depends on where it stands.
        skipSpace();
        if (_depth == 0)
            return atEnd();
        if (atEnd())
            return false;
        const bool inObject = _nodes[_open[_depth - 1]].kind == JsonKind::Object;
        const char c = _text[_pos];
        if (c == ',')
        {
            ++_pos;
            skipSpace();
            if (inObject && !readMemberName())
                return false;
            valueExpected = true;
        }
        else if (c == (inObject ? '}' : ']'))
        {
            closeContainer();
        }
        else
        {
            return false;
        }
    }
}

bool JsonTreeBuilder::openContainer(JsonKind kind)
{
    if (_depth == JsonDocument::kMaxDepth)
        return false;
    _open[_depth++] = offset(_nodes.size());
    _nodes.push_back(Node{kind, false, offset(_pos), 0, 0, 0, 0});
    ++_pos;
    return true;
}

// At the closing bracket.
void JsonTreeBuilder::closeContainer()
{
    ++_pos;
    Node& node = _nodes[_open[--_depth]];
    node.sourceLength = offset(_pos - node.sourceBegin);
    node.end = offset(_nodes.size());
}

// A key, its colon and the white space up to the value.
bool JsonTreeBuilder::readMemberName()
{
    if (atEnd() || _text[_pos] != '"' || !readString())
        return false;
    skipSpace();
    if (atEnd() || _text[_pos] != ':')
        return false;
    ++_pos;
    skipSpace();
    return true;
}

void JsonTreeBuilder::skipSpace()
{
    while (!atEnd() && isJsonSpace(_text[_pos]))
        ++_pos;
}

bool JsonTreeBuilder::readScalar()
{
    switch (_text[_pos])
    {
    case '"': return readString();
    case 't': return readLiteral("true", JsonKind::True);
    case 'f': return readLiteral("false", JsonKind::False);
    case 'n': return readLiteral("null", JsonKind::Null);
    default: return readNumber();
    }
}

bool JsonTreeBuilder::readLiteral(std::string_view word, JsonKind kind)
{
    if (_text.substr(_pos, word.size()) != word)
        return false;
    const std::size_t begin = _pos;
    _pos += word.size();
    addLeaf(kind, begin);
    return true;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool JsonTreeBuilder::readNumber()
{
    const std::size_t begin = _pos;
    const auto skipDigits = [this] {
        const std::size_t first = _pos;
        while (!atEnd() && isDigit(_text[_pos]))
            ++_pos;
        return _pos > first;
    };
    if (_text[_pos] == '-')
        ++_pos;
    if (atEnd())
        return false;
    if (_text[_pos] == '0')
        ++_pos;
    else if (!skipDigits())
        return false;
    if (!atEnd() && _text[_pos] == '.')
    {
        ++_pos;
        if (!skipDigits())
            return false;
    }
    if (!atEnd() && (_text[_pos] == 'e' || _text[_pos] == 'E'))
    {
        ++_pos;
        if (!atEnd() && (_text[_pos] == '+' || _text[_pos] == '-'))
            ++_pos;
        if (!skipDigits())
            return false;
    }
    addLeaf(JsonKind::Number, begin);
    return true;
}

// At the opening quote. A string without escapes is viewed where it stands; the
// first escape moves its text to _decoded, runs of plain bytes copied at once.
bool JsonTreeBuilder::readString()
{
    const std::size_t begin = _pos++;
    const auto* bytes = reinterpret_cast<const unsigned char*>(_text.data());
    const std::size_t size = _text.size();
    std::size_t runBegin = _pos;
    bool decoding = false;
    std::size_t decodedBegin = 0;
    for (;;)
    {
        skipPlainStringBytes();
        if (_pos >= size)
            return false;
        const unsigned char c = bytes[_pos];
        if (c == '"')
        {
            break;
        }
        else if (c == '\\')
        {
            if (!decoding)
            {
                decoding = true;
                if (_decoded.empty())
                    _decoded.resize(size);
                decodedBegin = _decodedLength;
            }
            appendDecoded(_text.data() + runBegin, _pos - runBegin);
            if (!readEscape())
                return false;
            runBegin = _pos;
        }
        else if (c < 0x20)
        {
            return false;
        }
        else
        {
            const std::size_t length = utf8SequenceLength(bytes + _pos, size - _pos);
            if (length == 0)
                return false;
            _pos += length;
        }
    }
    std::size_t textBegin = runBegin;
    std::size_t textLength = _pos - runBegin;
    if (decoding)
    {
        appendDecoded(_text.data() + runBegin, _pos - runBegin);
        textBegin = decodedBegin;
        textLength = _decodedLength - decodedBegin;
    }
    ++_pos;
    const auto index = offset(_nodes.size());
    _nodes.push_back(Node{JsonKind::String, decoding, offset(begin), offset(_pos - begin), offset(textBegin),
                          offset(textLength), index + 1});
    return true;
}

// Moves _pos to the next byte of a string that is not plain, or to the end.
void JsonTreeBuilder::skipPlainStringBytes()
{
    while (_pos + 8 <= _text.size())
    {
        if (const std::uint64_t special = specialStringBytes(_text.data() + _pos))
        {
            _pos += swar::firstByte(special);
            return;
        }
        _pos += 8;
    }
    while (_pos < _text.size() && kPlainStringByte[static_cast<unsigned char>(_text[_pos])])
        ++_pos;
}

// At a backslash: appends what it stands for to _decoded and moves past it.
bool JsonTreeBuilder::readEscape()
{
    if (_pos + 1 >= _text.size())
        return false;
    char simple = 0;
    switch (_text[_pos + 1])
    {
    case '"': simple = '"'; break;
    case '\\': simple = '\\'; break;
    case '/': simple = '/'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'n': simple = '\n'; break;
    case 'r': simple = '\r'; break;
    case 't': simple = '\t'; break;
    case 'u': break;
    default: return false;
    }
    if (simple != 0)
    {
        _decoded[_decodedLength++] = simple;
        _pos += 2;
        return true;
    }
    std::uint32_t unit = 0;
    if (!readHexQuad(_pos + 2, unit))
        return false;
    _pos += 6;
    if (unit >= 0xDC00 && unit <= 0xDFFF)
        return false; // a low surrogate with no high one before it
    if (unit >= 0xD800 && unit <= 0xDBFF)
    {
        // A high surrogate must be followed at once by an escaped low one.
        std::uint32_t low = 0;
        if (_pos + 1 >= _text.size() || _text[_pos] != '\\' || _text[_pos + 1] != 'u' ||
            !readHexQuad(_pos + 2, low) || low < 0xDC00 || low > 0xDFFF)
            return false;
        _pos += 6;
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    _decodedLength += writeUtf8(&_decoded[_decodedLength], unit);
    return true;
}

bool JsonTreeBuilder::readHexQuad(std::size_t at, std::uint32_t& value) const
{
    if (at + 4 > _text.size())
        return false;
    value = 0;
    for (std::size_t i = at; i < at + 4; ++i)
    {
        const int digit = hexValue(_text[i]);
        if (digit < 0)
            return false;
        value = (value << 4) | static_cast<std::uint32_t>(digit);
    }
    return true;
}

bool JsonDocument::parse(std::string_view text)
{
    _source = text;
    _nodes.clear();
    _decoded.clear();
    // Offsets are 32-bit; the largest notification is some kilobytes.
    if (text.size() >= std::numeric_limits<std::uint32_t>::max())
        return false;
    // A node per ~16 bytes is about what notifications hold; more grows the vector.
    _nodes.reserve(std::min<std::size_t>(text.size() / 16 + 4, 4096));
    JsonTreeBuilder builder(text, _nodes, _decoded);
    if (builder.build())
        return true;
    _nodes.clear();
    return false;
}

JsonKind JsonValue::kind() const
{
    return _document ? _document->_nodes[_node].kind : JsonKind::Missing;
}

std::string_view JsonValue::string() const
{
    if (kind() != JsonKind::String)
        return {};
    const JsonDocument::Node& node = _document->_nodes[_node];
    const std::string_view text = node.decoded ? std::string_view(_document->_decoded) : _document->_source;
    return text.substr(node.textBegin, node.textLength);
}

std::string_view JsonValue::source() const
{
    if (!_document)
        return {};
    const JsonDocument::Node& node = _document->_nodes[_node];
    return _document->_source.substr(node.sourceBegin, node.sourceLength);
}

JsonValue JsonValue::member(std::string_view key) const
{
    JsonValue found;
    for (const JsonMember m : members())
        if (m.name == key)
            found = m.value;
    return found;
}

JsonValue::Range<JsonValue::Iterator> JsonValue::elements() const
{
    if (kind() != JsonKind::Array)
        return {Iterator(nullptr, 0), Iterator(nullptr, 0)};
    return {Iterator(_document, _node + 1), Iterator(_document, _document->_nodes[_node].end)};
}

JsonValue::Range<JsonValue::MemberIterator> JsonValue::members() const
{
    if (kind() != JsonKind::Object)
        return {MemberIterator(nullptr, 0), MemberIterator(nullptr, 0)};
    return {MemberIterator(_document, _node + 1), MemberIterator(_document, _document->_nodes[_node].end)};
}

JsonValue::Iterator& JsonValue::Iterator::operator++()
{
    _node = _document->_nodes[_node].end;
    return *this;
}

JsonMember JsonValue::MemberIterator::operator*() const
{
    return {JsonValue(_document, _node).string(), JsonValue(_document, _node + 1)};
}

JsonValue::MemberIterator& JsonValue::MemberIterator::operator++()
{
    _node = _document->_nodes[_node + 1].end;
    return *this;
}

} // namespace verpmail
