// HeaderBlock: see the header for why this is not Poco::Net::MessageHeader.
#include "verpmail/bounce/HeaderBlock.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <cstring>

namespace verpmail::bounce {

namespace {

void trimRight(std::string& s)
{
    std::size_t n = s.size();
    while (n > 0 && isSpace(s[n - 1]))
        --n;
    s.resize(n);
}

std::string_view trimRight(std::string_view s)
{
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

// The first offset at or after i in s whose byte is one of stops, or s.size().
// Performance: a Content-Type's type, its parameters' names and values (a boundary is
// tens of bytes) were scanned a byte at a time, a compare per stop each; here sixteen
// bytes at once (SSE2), the last sixteen of s read for a rest shorter than that. Only
// bytes of s are read: an s shorter than sixteen goes a byte at a time.
template <std::size_t N>
inline std::size_t findAnyOf(std::string_view s, std::size_t i, const char (&stops)[N])
{
    const char* const data = s.data();
    const std::size_t size = s.size();
    const auto isStop = [&](char c) {
        bool stop = false;
        for (const char t : stops)
            stop |= c == t;
        return stop;
    };
#if defined(__SSE2__)
    if (size >= 16 && i < size)
    {
        const auto stopsAt = [&](std::size_t at) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
            __m128i any = _mm_cmpeq_epi8(v, _mm_set1_epi8(stops[0]));
            for (std::size_t k = 1; k < N; ++k)
                any = _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(stops[k])));
            return static_cast<unsigned>(_mm_movemask_epi8(any));
        };
        for (; size - i > 16; i += 16)
            if (const unsigned bits = stopsAt(i))
                return i + static_cast<std::size_t>(__builtin_ctz(bits));
        // The last (up to) sixteen: the window of s's last sixteen bytes, those before i dropped.
        const unsigned bits = stopsAt(size - 16) >> (i - (size - 16));
        return bits != 0 ? i + static_cast<std::size_t>(__builtin_ctz(bits)) : size;
    }
#endif
    while (i < size && !isStop(data[i]))
        ++i;
    return i;
}

// lowerInPlace for a type or a parameter name. Performance: inline, and eight bytes
// at a time to the last word, which overlaps the one before (folding twice changes
// nothing) instead of a byte at a time for the rest: a call and a tail loop were most
// of lowering "multipart/report" or "charset".
inline void lowerAscii(std::string& text)
{
    char* const p = text.data();
    const std::size_t n = text.size();
    if (n >= 8)
    {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            swar::store8(p + i, swar::foldAsciiUpper(swar::load8(p + i)));
        swar::store8(p + n - 8, swar::foldAsciiUpper(swar::load8(p + n - 8)));
        return;
    }
    for (std::size_t i = 0; i < n; ++i)
        p[i] = static_cast<char>(foldByte(static_cast<unsigned char>(p[i])));
}

// The parameters after the first ';' of a Content-Type (s from i), as
// Poco::Net::MessageHeader::splitParameters splits them (name=value;
// name="quoted \" value"), written out so the bouncer need not load libPocoNet, whose
// dynamic linking cost more than parsing a return (issue 3: per-invocation cost).
// isSpace is Poco::Ascii::isSpace's set (blank, tab, LF, VT, FF, CR). Names are
// lower-cased as they are stored; values are built in place (a part's header has
// one or two parameters, and temporaries for each were most of the cost).
void splitParameters(std::string_view s, std::size_t i, std::vector<std::pair<std::string, std::string>>& params)
{
    const std::size_t end = s.size();
    std::string nameless;   // the value of a parameter without a name: read past, then dropped
    params.reserve(2);
    while (i != end)
    {
        while (i != end && isSpace(s[i]))
            ++i;
        const std::size_t nameStart = i;
        i = findAnyOf(s, i, {'=', ';'});
        const std::string_view name = trimRight(s.substr(nameStart, i - nameStart));
        if (i != end && s[i] != ';')
            ++i;
        while (i != end && isSpace(s[i]))
            ++i;
        std::string* pvalue = &nameless;
        if (!name.empty())
        {
            auto& param = params.emplace_back();
            param.first.assign(name);
            lowerAscii(param.first);
            pvalue = &param.second;
        }
        else
            nameless.clear();
        // Plain runs are appended whole (a boundary is tens of bytes), up to the next
        // byte that means something here.
        const auto appendRun = [&](bool quoted) {
            const std::size_t start = i;
            i = quoted ? findAnyOf(s, i, {'"', '\\'}) : findAnyOf(s, i, {'"', '\\', ';'});
            pvalue->append(s.substr(start, i - start));
        };
        while (i != end && s[i] != ';')
        {
            if (s[i] == '"')
            {
                ++i;
                while (i != end && s[i] != '"')
                {
                    if (s[i] == '\\')
                    {
                        ++i;
                        if (i != end)
                            *pvalue += s[i++];
                    }
                    else
                        appendRun(true);
                }
                if (i != end)
                    ++i;
            }
            else if (s[i] == '\\')
            {
                ++i;
                if (i != end)
                    *pvalue += s[i++];
            }
            else
                appendRun(false);
        }
        trimRight(*pvalue);
        if (i != end)
            ++i;
    }
}

// RFC 5322 ftext: printable US-ASCII except ':'. A table: the name of every field
// is scanned with it, and the range test cost three branches a byte.
struct FieldNameTable
{
    bool allowed[256];
    constexpr FieldNameTable() : allowed()
    {
        for (int c = 33; c < 127; ++c)
            allowed[c] = c != ':';
    }
};
constexpr FieldNameTable kFieldName;

// isSpace without a branch: a bit per byte up to ' ' (tab to CR, and space).
// Performance: a value's trim tests its first two bytes, and isSpace's compares, one
// branch each, were mispredicted there about once per field.
inline bool isBlank(char c)
{
    const unsigned byte = static_cast<unsigned char>(c);
    return (byte <= ' ') & static_cast<bool>((0x100003E00ULL >> (byte & 63)) & 1);
}

// The length of the field name at the start of line: bytes of kFieldName up to the
// first other. textEnd is the end of the text the line is in: bytes after the line
// may be read (its '\n' is not in kFieldName, so no name runs past it).
// Performance: every field line of every header is scanned so, and names are ten to
// twenty bytes: sixteen bytes tested at once (SSE2) find most names' end in one step,
// where eight at a time took two with a mispredicted exit; the rest of a line too
// short for that (at the text's end) goes eight bytes or one at a time.
std::size_t fieldNameLength(std::string_view line, const char* textEnd)
{
    const char* const data = line.data();
    const std::size_t size = line.size();
    std::size_t n = 0;
#if defined(__SSE2__)
    const __m128i one = _mm_set1_epi8(1);
    const __m128i limit = _mm_set1_epi8(34);
    const __m128i colon = _mm_set1_epi8(':');
    for (; textEnd - (data + n) >= 16; n += 16)
    {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + n));
        // Byte + 1 as a signed byte is 34..127 exactly for 33..126 (127 wraps to -128,
        // 8-bit bytes are negative or 0): below 34 is outside ftext.
        const __m128i outside = _mm_or_si128(_mm_cmpgt_epi8(limit, _mm_add_epi8(v, one)), _mm_cmpeq_epi8(v, colon));
        const unsigned stop = static_cast<unsigned>(_mm_movemask_epi8(outside));
        if (stop != 0)
            return std::min(n + static_cast<std::size_t>(__builtin_ctz(stop)), size);
    }
#else
    (void)textEnd;
#endif
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    using swar::kHigh;
    using swar::kOnes;
    for (; n + 8 <= size; n += 8)
    {
        const std::uint64_t w = swar::load8(data + n);
        // A high bit per byte that is below '!' (33), above '~' (126) or ':'. Borrows
        // and carries can flag a byte only above one truly flagged, and only the
        // lowest (first in the line) is used.
        const std::uint64_t above = ((w + (127 - 126) * kOnes) | w) & kHigh;
        const std::uint64_t stop = swar::bytesBelow(w, 33) | above | swar::bytesEqual(w, ':');
        if (stop != 0)
            return n + swar::firstByte(stop);
    }
#endif
    while (n < size && kFieldName.allowed[static_cast<unsigned char>(data[n])])
        ++n;
    return n;
}

// Whether words x and y of names are equal ignoring case. Performance: names are
// mostly asked for in the case they are written in, so the words are folded only when
// they differ.
inline bool sameWordIgnoringCase(std::uint64_t x, std::uint64_t y)
{
    return x == y || swar::foldAsciiUpper(x) == swar::foldAsciiUpper(y);
}

// iequals(a, b) for a and b of length n (A-Z and a-z alike, every other byte only
// itself). Performance: a name asked for is mostly present when its key matches (the
// key rules the others out), so each lookup that finds a field compared its whole
// name, a table load per byte of each side; here eight bytes of each at once, the
// last word overlapping the one before, and a name shorter than eight as two
// overlapping four-byte halves. Only bytes of a and b are read.
inline bool equalIgnoringCase(const char* a, const char* b, std::size_t n)
{
    using swar::load8;
    if (n >= 8)
    {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (!sameWordIgnoringCase(load8(a + i), load8(b + i)))
                return false;
        return sameWordIgnoringCase(load8(a + n - 8), load8(b + n - 8));
    }
    if (n >= 4)
    {
        const auto halves = [n](const char* p) {
            std::uint32_t first, last;
            std::memcpy(&first, p, 4);
            std::memcpy(&last, p + n - 4, 4);
            return first | static_cast<std::uint64_t>(last) << 32;
        };
        return sameWordIgnoringCase(halves(a), halves(b));
    }
    for (std::size_t i = 0; i < n; ++i)
        if (foldByte(static_cast<unsigned char>(a[i])) != foldByte(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace


HeaderBlock HeaderBlock::parse(std::string_view text, std::size_t maxFieldBytes, std::size_t* bodyOffset,
                               std::size_t maxFields)
{
    HeaderBlock block;
    // Offsets are 32-bit; no header section comes near (ParseLimits::maxBytes is 10 MiB).
    text = text.substr(0, kMaxText);
    block._source = text;
    block._maxFieldBytes = maxFieldBytes;
    // Most headers fit this (a MIME part's has two or three fields); growing past it
    // costs a copy each time.
    block._fields.reserve(kFieldsReserved);
    const char* const data = text.data();
    const std::size_t size = text.size();
    std::size_t pos = 0;
    bool inField = false;
    while (pos < size)
    {
        // Header lines are short: swar::findByte, not memchr (see there).
        const std::size_t end = static_cast<std::size_t>(swar::findByte(data, data + pos, data + size, '\n') - data);
        const std::size_t next = end < size ? end + 1 : size;
        const std::string_view line(data + pos, end - pos);
        // (An empty line starts with its '\n', a space.)
        if (isSpace(data[pos]))
        {
            // Performance: a continuation line (a Received or DKIM-Signature one, indented
            // by up to eight blanks) is told from a blank one by its last byte, not by
            // reading its indent.
            if (line.empty() || (isSpace(line.back()) && trim(line).empty()))
            {
                // The empty line ends the header section. A line of only blanks counts too:
                // some MTAs write one, and treating it as folding would swallow the body.
                pos = next;
                break;
            }
            if (line[0] == ' ' || line[0] == '\t')
            {
                // A continuation: the field's lines now run to the end of this one (a
                // field already at the cut gains nothing from it).
                if (inField)
                {
                    Field& field = block._fields.back();
                    // (The length first: a value short of the cut is the rule, so this
                    // branch is foreseen whether the field is folded yet or not.)
                    if (field.valueLength < maxFieldBytes || field.kind == Kind::Folded)
                    {
                        field.kind = Kind::Folded;
                        field.valueLength = static_cast<std::uint32_t>(end - field.valueOffset);
                    }
                }
                pos = next;
                continue;
            }
        }
        const std::size_t colon = fieldNameLength(line, data + size);
        std::size_t afterName = colon;
        bool isField = colon != 0 && colon < line.size() && line[colon] == ':';
        if (!isField && colon != 0)
        {
            // "Name :" (blanks before the colon) is obsolete syntax but still seen; it is
            // looked for only where the colon does not follow the name.
            while (afterName < line.size() && (line[afterName] == ' ' || line[afterName] == '\t'))
                ++afterName;
            isField = afterName < line.size() && line[afterName] == ':';
        }
        if (!isField)
        {
            // Not a field. Before the first field this is junk such as an mbox "From "
            // line: skip it. After fields it is the start of a body without the empty line.
            if (block._fields.empty())
            {
                pos = next;
                inField = false;
                continue;
            }
            break;
        }
        if (block._fields.size() >= maxFields)
        {
            inField = false;
            pos = next;
            continue;
        }
        const std::string_view name(data + pos, colon);
        // The value: the rest of the line trimmed, cut at maxFieldBytes (offsets in text).
        std::size_t valueStart = pos + afterName + 1;
        std::size_t valueEnd = end;
        while (valueStart < valueEnd && isBlank(data[valueStart]))
            ++valueStart;
        while (valueEnd > valueStart && isBlank(data[valueEnd - 1]))
            --valueEnd;
        Field field;
        field.nameOffset = static_cast<std::uint32_t>(pos);
        field.nameLength = static_cast<std::uint32_t>(colon);
        field.valueOffset = static_cast<std::uint32_t>(valueStart);
        field.valueLength = static_cast<std::uint32_t>(std::min(valueEnd - valueStart, maxFieldBytes));
        field.key = nameKey(name);
        block._keysPresent |= keyBit(field.key);
        block._fields.push_back(field);
        inField = true;
        pos = next;
    }
    if (bodyOffset)
        *bodyOffset = std::min(pos, size);
    return block;
}

std::string_view HeaderBlock::unfolded(std::size_t i) const
{
    const Field& field = _fields[i];
    if (field.kind == Kind::Folded)
    {
        // The lines as parse read them: the first from the value's start, then each
        // continuation (a line that began with a blank and is not only blanks), joined
        // by one blank and cut at _maxFieldBytes, as the header promises.
        const std::string_view lines = _source.substr(field.valueOffset, field.valueLength);
        std::size_t lineEnd = std::min(lines.find('\n'), lines.size());
        // Performance: room for the whole value at once (never longer than its lines,
        // nor than the cut), not regrown by each continuation appended.
        std::string& value = _unfolded.emplace_front();
        value.reserve(std::min(lines.size(), _maxFieldBytes));
        value.assign(trim(lines.substr(0, lineEnd)).substr(0, _maxFieldBytes));
        while (lineEnd < lines.size() && value.size() < _maxFieldBytes)
        {
            const std::size_t start = lineEnd + 1;
            lineEnd = std::min(lines.find('\n', start), lines.size());
            const std::string_view continuation = trim(lines.substr(start, lineEnd - start));
            std::size_t length = value.size();
            if (length != 0)
            {
                value.push_back(' ');
                ++length;
            }
            value.append(continuation.substr(0, _maxFieldBytes - std::min(_maxFieldBytes, length)));
        }
        // No longer than the lines it came from: it fits 32 bits.
        field.valueOffset = _unfoldedCount++;
        field.valueLength = static_cast<std::uint32_t>(value.size());
        field.kind = Kind::Unfolded;
        return value;
    }
    // _unfolded is newest first.
    auto it = _unfolded.begin();
    for (std::uint32_t n = _unfoldedCount - 1 - field.valueOffset; n > 0; --n)
        ++it;
    return *it;
}

void HeaderBlock::add(const HeaderField& field)
{
    if (field.name.size() + field.value.size() > kMaxText - _copies.size())
        return;
    Field copy;
    copy.kind = Kind::Added;
    copy.nameOffset = static_cast<std::uint32_t>(_copies.size());
    copy.nameLength = static_cast<std::uint32_t>(field.name.size());
    _copies.append(field.name);
    copy.valueOffset = static_cast<std::uint32_t>(_copies.size());
    copy.valueLength = static_cast<std::uint32_t>(field.value.size());
    _copies.append(field.value);
    copy.key = nameKey(field.name);
    _keysPresent |= keyBit(copy.key);
    _fields.push_back(copy);
}

inline bool HeaderBlock::hasName(std::size_t i, std::string_view name, std::uint32_t key) const
{
    // Performance: the parser asks each header for tens of names, and most fields
    // are ruled out by the key (length and three folded bytes of the name) before
    // their bytes are compared.
    return _fields[i].key == key && _fields[i].nameLength == name.size() &&
           equalIgnoringCase(fieldName(i).data(), name.data(), name.size());
}

// The walk over the fields for a name past the filter (find and has, inline in the
// header, test the filter). Performance: a call of its own, whose loop needs registers
// saved and restored: a lookup turned away by the filter does not pay for them.
std::size_t HeaderBlock::indexOfKey(std::string_view name, std::uint32_t key) const
{
    for (std::size_t i = 0; i < _fields.size(); ++i)
        if (hasName(i, name, key))
            return i;
    return _fields.size();
}

std::string_view HeaderBlock::findKey(std::string_view name, std::uint32_t key) const
{
    const std::size_t i = indexOfKey(name, key);
    return i < _fields.size() ? fieldValue(i) : std::string_view();
}

std::vector<std::string> HeaderBlock::getAll(std::string_view name) const
{
    std::vector<std::string> values;
    const std::uint32_t key = nameKey(name);
    if ((_keysPresent & keyBit(key)) == 0)
        return values;
    for (std::size_t i = 0; i < _fields.size(); ++i)
        if (hasName(i, name, key))
            values.emplace_back(fieldValue(i));
    return values;
}


std::string decodeEncodedWords(std::string_view text)
{
    std::string out;
    // Adjacent words in one charset are converted together: a multi-byte character
    // (Shift_JIS, GB2312) may be split between two words.
    std::string pending;
    std::string pendingCharset;
    auto flush = [&]() {
        out += toUtf8(pending, pendingCharset);
        pending.clear();
    };
    std::size_t pos = 0;
    bool lastWasWord = false;
    while (pos < text.size())
    {
        const std::size_t start = text.find("=?", pos);
        const std::size_t q1 = start == std::string_view::npos ? start : text.find('?', start + 2);
        const std::size_t q2 = q1 == std::string_view::npos ? q1 : text.find('?', q1 + 1);
        const std::size_t close = q2 == std::string_view::npos ? q2 : text.find("?=", q2 + 1);
        if (close == std::string_view::npos || q2 != q1 + 2)
        {
            flush();
            out.append(text.substr(pos));
            break;
        }
        const std::string_view between = text.substr(pos, start - pos);
        // White space between two adjacent encoded words is not part of the text.
        if (!(lastWasWord && trim(between).empty()))
        {
            flush();
            out.append(between);
        }
        const char encoding = text[q1 + 1];
        const std::string_view payload = text.substr(q2 + 1, close - q2 - 1);
        // "utf-8*en": RFC 2231 allows a language after the charset.
        std::string_view charset = text.substr(start + 2, q1 - start - 2);
        charset = charset.substr(0, charset.find('*'));
        if (!iequals(charset, pendingCharset))
        {
            flush();
            pendingCharset = std::string(charset);
        }
        if (encoding == 'Q' || encoding == 'q')
            pending += decodeQuotedPrintable(payload, true);
        else if (encoding == 'B' || encoding == 'b')
            pending += decodeBase64(payload);
        else
        {
            flush();
            out.append(text.substr(start, close + 2 - start));
        }
        lastWasWord = true;
        pos = close + 2;
    }
    flush();
    return out;
}

std::string_view ContentType::paramView(std::string_view name) const
{
    // The last one of a name wins, as it would in a map filled in order.
    for (auto it = params.rbegin(); it != params.rend(); ++it)
        if (it->first == name)
            return it->second;
    return {};
}

ContentType parseContentType(std::string_view value)
{
    ContentType result;
    const std::string_view trimmed = trim(value);
    if (trimmed.empty())
        return result;
    // The type ends at its first blank, '(' or '"' ("text/plain (comment)" and stray
    // quotes appear in the wild), and at the first ';' (trailing white space trimmed).
    // Performance: one search finds the first of them all, the ';' most often; only
    // after another is the ';' searched for.
    const std::size_t stop = findAnyOf(trimmed, 0, {';', ' ', '\t', '(', '"'});
    const std::size_t semi = stop == trimmed.size() || trimmed[stop] == ';' ? stop : findAnyOf(trimmed, stop + 1, {';'});
    const std::string_view type = trimRight(trimmed.substr(0, semi));
    const std::size_t typeEnd = std::min(stop, type.size());
    // Copied, then lower-cased in place: resize() first filled the string through an
    // out-of-line call (for every part of every message).
    result.type.assign(type, 0, typeEnd);
    lowerAscii(result.type);
    if (semi == trimmed.size())
        return result;
    try
    {
        splitParameters(trimmed, semi + 1, result.params);
    }
    catch (...)
    {
        // Keep the type alone; parameters of a broken header are not trusted.
        result.params.clear();
    }
    return result;
}

} // namespace verpmail::bounce
