// HeaderBlock: see the header for why this is not Poco::Net::MessageHeader.
#include "verpmail/bounce/HeaderBlock.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Encodings.h"

#include <algorithm>

namespace verpmail::bounce {

namespace {

std::string_view trimRight(std::string_view s)
{
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

// RFC 5322 ftext: printable US-ASCII except ':'.
bool isNameChar(char c)
{
    return c >= 33 && c <= 126 && c != ':';
}

// The value of a folded field: its first line from the value's start, then each
// continuation line, trimmed and joined by one blank, cut at maxBytes.
std::string unfold(std::string_view lines, std::size_t maxBytes)
{
    std::size_t lineEnd = std::min(lines.find('\n'), lines.size());
    std::string value(trim(lines.substr(0, lineEnd)).substr(0, maxBytes));
    while (lineEnd < lines.size() && value.size() < maxBytes)
    {
        const std::size_t start = lineEnd + 1;
        lineEnd = std::min(lines.find('\n', start), lines.size());
        const std::string_view continuation = trim(lines.substr(start, lineEnd - start));
        if (!value.empty())
            value += ' ';
        value.append(continuation.substr(0, maxBytes - std::min(maxBytes, value.size())));
    }
    return value;
}

// The parameters after the first ';' of a Content-Type (s from i), as
// Poco::Net::MessageHeader::splitParameters splits them (name=value;
// name="quoted \" value"); names lower-cased.
void splitParameters(std::string_view s, std::size_t i, std::vector<std::pair<std::string, std::string>>& params)
{
    const std::size_t end = s.size();
    std::string nameless;   // the value of a parameter without a name: read past, then dropped
    while (i != end)
    {
        while (i != end && isSpace(s[i]))
            ++i;
        const std::size_t nameStart = i;
        while (i != end && s[i] != '=' && s[i] != ';')
            ++i;
        const std::string_view name = trimRight(s.substr(nameStart, i - nameStart));
        if (i != end && s[i] != ';')
            ++i;
        while (i != end && isSpace(s[i]))
            ++i;
        std::string value;
        while (i != end && s[i] != ';')
        {
            if (s[i] == '"')
            {
                for (++i; i != end && s[i] != '"'; ++i)
                    if (s[i] == '\\' && ++i == end)
                        break;
                    else
                        value += s[i];
                if (i != end)
                    ++i;
            }
            else if (s[i] == '\\' && ++i == end)
                break;
            else
                value += s[i++];
        }
        if (!name.empty())
            params.emplace_back(toLower(name), std::string(trimRight(value)));
        if (i != end)
            ++i;
    }
}

} // namespace

HeaderBlock::Text HeaderBlock::own(std::string s)
{
    _owned.push_back(std::move(s));
    return {{}, _owned.size() - 1};
}

HeaderBlock HeaderBlock::parse(std::string_view text, std::size_t maxFieldBytes, std::size_t* bodyOffset,
                               std::size_t maxFields)
{
    HeaderBlock block;
    std::size_t pos = 0;
    bool inField = false;
    // The last field's value lines, from its start to the end of its last
    // continuation, while it has continuations (unfolded when it is complete).
    std::size_t valueStart = 0;
    std::size_t foldedEnd = 0;
    const auto finishField = [&] {
        if (foldedEnd != 0)
            block._fields.back().value =
                block.own(unfold(text.substr(valueStart, foldedEnd - valueStart), maxFieldBytes));
        foldedEnd = 0;
    };
    while (pos < text.size())
    {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::size_t next = end < text.size() ? end + 1 : text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (isSpace(text[pos]))
        {
            // The empty line ends the header section. A line of only blanks counts too:
            // some MTAs write one, and treating it as folding would swallow the body.
            if (trim(line).empty())
            {
                pos = next;
                break;
            }
            if (line[0] == ' ' || line[0] == '\t')
            {
                // A continuation, unless its field's first line is already at the cut.
                if (inField && (foldedEnd != 0 || block._fields.back().value.view.size() < maxFieldBytes))
                    foldedEnd = end;
                pos = next;
                continue;
            }
        }
        std::size_t colon = 0;
        while (colon < line.size() && isNameChar(line[colon]))
            ++colon;
        // "Name :" (blanks before the colon) is obsolete syntax but still seen.
        std::size_t afterName = colon;
        while (colon != 0 && afterName < line.size() && (line[afterName] == ' ' || line[afterName] == '\t'))
            ++afterName;
        if (colon == 0 || afterName == line.size() || line[afterName] != ':')
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
        finishField();
        inField = block._fields.size() < maxFields;
        if (inField)
        {
            valueStart = pos + afterName + 1;
            const std::string_view value = trim(text.substr(valueStart, end - valueStart));
            valueStart = value.empty() ? end : static_cast<std::size_t>(value.data() - text.data());
            block._fields.push_back({line.substr(0, colon), {value.substr(0, maxFieldBytes)}});
        }
        pos = next;
    }
    finishField();
    if (bodyOffset)
        *bodyOffset = std::min(pos, text.size());
    return block;
}

std::string_view HeaderBlock::find(std::string_view name) const
{
    for (const Field& field : _fields)
        if (iequals(field.name, name))
            return text(field.value);
    return {};
}

bool HeaderBlock::has(std::string_view name) const
{
    return std::any_of(_fields.begin(), _fields.end(),
                       [&](const Field& field) { return iequals(field.name, name); });
}

std::vector<std::string> HeaderBlock::getAll(std::string_view name) const
{
    std::vector<std::string> values;
    for (const Field& field : _fields)
        if (iequals(field.name, name))
            values.emplace_back(text(field.value));
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
    // The type ends at its first blank, '(' or '"' ("text/plain (comment)" and stray
    // quotes appear in the wild), and at the first ';' (trailing white space trimmed).
    const std::size_t stop = std::min(trimmed.find_first_of("; \t(\""), trimmed.size());
    const std::size_t semi = std::min(trimmed.find(';', stop), trimmed.size());
    const std::string_view type = trimRight(trimmed.substr(0, semi));
    result.type = toLower(type.substr(0, std::min(stop, type.size())));
    if (semi < trimmed.size())
        splitParameters(trimmed, semi + 1, result.params);
    return result;
}

} // namespace verpmail::bounce
