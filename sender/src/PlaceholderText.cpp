#include "PlaceholderText.h"

#include "TransferEncoding.h"

#include "verpmail/util/Html.h"

#include <optional>

namespace verpmail {
namespace {

// "{{" ... "}}" further apart than this is not a placeholder (it is text that happens to
// contain braces, e.g. a template language the operator's HTML editor left behind).
constexpr std::size_t kMaxPlaceholder = 256;

struct Name
{
    std::string_view text;
    Placeholder placeholder;
};
constexpr Name kNames[] = {
    {"address", Placeholder::Address},
    {"name", Placeholder::Name},
    {"list", Placeholder::List},
    {"unsubscribe_url", Placeholder::UnsubscribeUrl},
    {"unsubscribe_mailto", Placeholder::UnsubscribeMailto},
};

std::string_view trimSpaces(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

std::optional<Placeholder> lookup(std::string_view key)
{
    for (const Name& n : kNames)
        if (n.text == key)
            return n.placeholder;
    return std::nullopt;
}

std::string oneLine(const std::string& value)
{
    std::string out = value;
    for (char& c : out)
        if (c == '\r' || c == '\n' || c == '\0')
            c = ' ';
    return out;
}

} // namespace

PlaceholderValues::PlaceholderValues(const Personalization& values)
{
    plain[static_cast<std::size_t>(Placeholder::Address)] = oneLine(values.address);
    plain[static_cast<std::size_t>(Placeholder::Name)] = oneLine(values.name);
    plain[static_cast<std::size_t>(Placeholder::List)] = oneLine(values.list);
    plain[static_cast<std::size_t>(Placeholder::UnsubscribeUrl)] = oneLine(values.unsubscribeUrl);
    plain[static_cast<std::size_t>(Placeholder::UnsubscribeMailto)] = oneLine(values.unsubscribeMailto);
    for (std::size_t i = 0; i < kPlaceholderCount; ++i)
        verpmail::appendHtmlEscaped(html[i], plain[i]);
}

PlaceholderText PlaceholderText::parse(std::string_view text, std::vector<std::string>* unknown)
{
    PlaceholderText result;
    Segment current;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = text.find("}}", open + 2);
        const std::string_view inside =
            close == std::string_view::npos ? std::string_view() : text.substr(open + 2, close - open - 2);
        const bool plausible = close != std::string_view::npos && close - open <= kMaxPlaceholder &&
                               inside.find_first_of("\r\n{") == std::string_view::npos;
        if (!plausible) {
            // Step one brace only, so that "{{{name}}}" still finds "{{name}}".
            current.literal.append(text.substr(pos, open + 1 - pos));
            pos = open + 1;
            continue;
        }
        const std::size_t bar = inside.find('|');
        const std::optional<Placeholder> known = lookup(trimSpaces(inside.substr(0, bar)));
        const std::size_t end = close + 2;
        if (!known) {
            if (unknown)
                unknown->emplace_back(text.substr(open, end - open));
            current.literal.append(text.substr(pos, end - pos));
            pos = end;
            continue;
        }
        current.literal.append(text.substr(pos, open - pos));
        current.hasSlot = true;
        current.slot = *known;
        if (bar != std::string_view::npos)
            current.fallback = std::string(inside.substr(bar + 1));
        result._literalSize += current.literal.size();
        result._segments.push_back(std::move(current));
        current = Segment();
        ++result._slots;
        pos = end;
    }
    if (pos < text.size())
        current.literal.append(text.substr(pos));
    result._literalSize += current.literal.size();
    result._segments.push_back(std::move(current));
    return result;
}

PlaceholderText PlaceholderText::literal(std::string text)
{
    PlaceholderText result;
    result._literalSize = text.size();
    Segment only;
    only.literal = std::move(text);
    result._segments.push_back(std::move(only));
    return result;
}

void PlaceholderText::render(std::string& out, const PlaceholderValues& values, Escaping escaping) const
{
    for (const Segment& s : _segments) {
        out += s.literal;
        if (!s.hasSlot)
            continue;
        const std::string& value = values.get(s.slot, escaping);
        out += value.empty() ? s.fallback : value;
    }
}

} // namespace verpmail
