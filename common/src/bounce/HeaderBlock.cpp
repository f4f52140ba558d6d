// HeaderBlock: see the header for why this is not Poco::Net::MessageHeader.
#include "verpmail/bounce/HeaderBlock.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"

#include <algorithm>

namespace verpmail::bounce {

namespace {

void trimRight(std::string& s)
{
    std::size_t n = s.size();
    while (n > 0 && isSpace(s[n - 1]))
        --n;
    s.resize(n);
}

// The same splitting as Poco::Net::MessageHeader::splitParameters (value; name=value;
// name="quoted \" value"), written out so the bouncer need not load libPocoNet, whose
// dynamic linking cost more than parsing a return (issue 3: per-invocation cost).
// isSpace is Poco::Ascii::isSpace's set (blank, tab, LF, VT, FF, CR).
void splitParameters(std::string_view s, std::string& value, std::vector<std::pair<std::string, std::string>>& params)
{
    std::size_t i = 0;
    const std::size_t end = s.size();
    while (i != end && isSpace(s[i]))
        ++i;
    const std::size_t semi = std::min(s.find(';', i), end);
    value.assign(s.substr(i, semi - i));
    i = semi;
    trimRight(value);
    if (i != end)
        ++i;
    std::string name;
    std::string pvalue;
    while (i != end)
    {
        name.clear();
        pvalue.clear();
        while (i != end && isSpace(s[i]))
            ++i;
        const std::size_t nameStart = i;
        while (i != end && s[i] != '=' && s[i] != ';')
            ++i;
        name.assign(s.substr(nameStart, i - nameStart));
        trimRight(name);
        if (i != end && s[i] != ';')
            ++i;
        while (i != end && isSpace(s[i]))
            ++i;
        // Plain runs are appended whole (a boundary is tens of bytes), up to the next
        // byte that means something here.
        const auto appendRun = [&](bool quoted) {
            const std::size_t start = i;
            while (i != end && s[i] != '"' && s[i] != '\\' && (quoted || s[i] != ';'))
                ++i;
            pvalue.append(s.substr(start, i - start));
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
                            pvalue += s[i++];
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
                    pvalue += s[i++];
            }
            else
                appendRun(false);
        }
        trimRight(pvalue);
        if (!name.empty())
            params.emplace_back(name, pvalue);
        if (i != end)
            ++i;
    }
}

bool isFieldNameChar(char c)
{
    // RFC 5322 ftext: printable US-ASCII except ':'.
    return c > 32 && c < 127 && c != ':';
}

} // namespace

HeaderBlock HeaderBlock::parse(std::string_view text, std::size_t maxFieldBytes, std::size_t* bodyOffset,
                               std::size_t maxFields)
{
    HeaderBlock block;
    block._source = text;
    // Most headers fit this; growing past it costs a copy each time.
    block._fields.reserve(32);
    const auto offsetOf = [&](std::string_view part) { return static_cast<std::size_t>(part.data() - text.data()); };
    std::size_t pos = 0;
    bool inField = false;
    while (pos < text.size())
    {
        std::size_t end = text.find('\n', pos);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        const bool blankStart = line.empty() || isSpace(line[0]);
        if (blankStart && trim(line).empty())
        {
            // The empty line ends the header section. A line of only blanks counts too:
            // some MTAs write one, and treating it as folding would swallow the body.
            pos = next;
            break;
        }
        if ((line[0] == ' ' || line[0] == '\t'))
        {
            if (inField && !block._fields.empty())
                block.unfoldLast(trim(line), maxFieldBytes);
            pos = next;
            continue;
        }
        std::size_t colon = 0;
        while (colon < line.size() && isFieldNameChar(line[colon]))
            ++colon;
        // "Name :" (blanks before the colon) is obsolete syntax but still seen.
        std::size_t afterName = colon;
        while (afterName < line.size() && (line[afterName] == ' ' || line[afterName] == '\t'))
            ++afterName;
        if (colon == 0 || afterName >= line.size() || line[afterName] != ':')
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
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(afterName + 1)).substr(0, maxFieldBytes);
        block._fields.push_back({{offsetOf(name), name.size()}, {offsetOf(value), value.size()}});
        inField = true;
        pos = next;
    }
    if (bodyOffset)
        *bodyOffset = std::min(pos, text.size());
    return block;
}

void HeaderBlock::unfoldLast(std::string_view continuation, std::size_t maxFieldBytes)
{
    Field& field = _fields.back();
    if (field.value.length >= maxFieldBytes)
        return;
    if (!field.copied)
    {
        // The parsed text has a line break where the value goes on: copy the field to
        // the end of _copies, where its continuations are appended.
        const std::string_view name = slice(field, field.name);
        const std::string_view value = slice(field, field.value);
        // Folded fields come several to a header (Received, DKIM-Signature): room for
        // them at once, rather than a copy of them all each time the buffer doubles.
        if (_copies.empty())
            _copies.reserve(kCopiesReserved);
        field.name = {_copies.size(), name.size()};
        _copies.append(name);
        field.value = {_copies.size(), value.size()};
        _copies.append(value);
        field.copied = true;
    }
    if (field.value.length != 0)
    {
        _copies.push_back(' ');
        ++field.value.length;
    }
    const std::string_view kept = continuation.substr(0, maxFieldBytes - std::min(maxFieldBytes, field.value.length));
    _copies.append(kept);
    field.value.length += kept.size();
}

void HeaderBlock::add(const HeaderField& field)
{
    Field copy;
    copy.copied = true;
    copy.name = {_copies.size(), field.name.size()};
    _copies.append(field.name);
    copy.value = {_copies.size(), field.value.size()};
    _copies.append(field.value);
    _fields.push_back(copy);
}

bool HeaderBlock::hasName(std::size_t i, std::string_view name) const
{
    // Performance: the parser asks each header for tens of names, and most fields
    // differ from the name in length; the stored length rules them out before a
    // view of the name is made and compared.
    return _fields[i].name.length == name.size() && iequals(fieldName(i), name);
}

std::size_t HeaderBlock::indexOf(std::string_view name) const
{
    for (std::size_t i = 0; i < _fields.size(); ++i)
        if (hasName(i, name))
            return i;
    return _fields.size();
}

std::string_view HeaderBlock::find(std::string_view name) const
{
    const std::size_t i = indexOf(name);
    return i < _fields.size() ? fieldValue(i) : std::string_view();
}

std::vector<std::string> HeaderBlock::getAll(std::string_view name) const
{
    std::vector<std::string> values;
    for (std::size_t i = 0; i < _fields.size(); ++i)
        if (hasName(i, name))
            values.emplace_back(fieldValue(i));
    return values;
}

bool HeaderBlock::has(std::string_view name) const
{
    return indexOf(name) < _fields.size();
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

std::string ContentType::param(std::string_view name) const
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
    try
    {
        std::string mainValue;
        splitParameters(trimmed, mainValue, result.params);
        result.type = toLower(trim(mainValue));
        for (auto& param : result.params)
            lowerInPlace(param.first);
    }
    catch (...)
    {
        // Fall back to the type alone; parameters of a broken header are not trusted.
        const std::size_t semi = trimmed.find(';');
        result.type = toLower(trim(trimmed.substr(0, semi)));
    }
    // "text/plain (comment)" and stray quotes appear in the wild.
    const auto junk = std::find_if(result.type.begin(), result.type.end(),
                                   [](char c) { return c == ' ' || c == '\t' || c == '(' || c == '"'; });
    result.type.erase(junk, result.type.end());
    return result;
}

} // namespace verpmail::bounce
