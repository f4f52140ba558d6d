// Lines: see the header.
#include "verpmail/bounce/Lines.h"

#include "verpmail/bounce/Ascii.h"

#include <algorithm>

namespace verpmail::bounce {

std::string normaliseLineEnds(std::string_view text, std::size_t maxBytes)
{
    text = text.substr(0, std::min(text.size(), maxBytes));
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] != '\r')
            out += text[i];
        else
        {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        }
    }
    return out;
}

bool LineReader::next(std::string_view& line)
{
    if (_pos >= _text.size())
        return false;
    const std::size_t stop = std::min(_text.find('\n', _pos), _text.size());
    line = _text.substr(_pos, stop - _pos);
    _pos = stop + 1;
    return true;
}

std::string collapseSpace(std::string_view text, std::size_t maxBytes)
{
    // Every output byte stands for at least one input byte.
    const std::size_t limit = std::min(text.size(), maxBytes);
    std::string out;
    out.reserve(limit);
    std::size_t i = 0;
    while (out.size() < limit)
    {
        while (i < text.size() && isSpace(text[i]))
            ++i;
        if (i == text.size())
            break;
        if (!out.empty())
        {
            out += ' ';
            if (out.size() == limit)
                break;
        }
        while (i < text.size() && !isSpace(text[i]) && out.size() < limit)
            out += text[i++];
    }
    return out;
}

bool isCollapsed(std::string_view text)
{
    if (!text.empty() && (text.front() == ' ' || text.back() == ' '))
        return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (isSpace(text[i]) && (text[i] != ' ' || (i > 0 && text[i - 1] == ' ')))
            return false;
    return true;
}

} // namespace verpmail::bounce
