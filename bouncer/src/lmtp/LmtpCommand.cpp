#include "lmtp/LmtpCommand.h"

#include "verpmail/bounce/Ascii.h"

#include <algorithm>

namespace verpmail {
namespace {

using bounce::iequals;
using bounce::istartsWith;

std::string_view skipSpaces(std::string_view text)
{
    return text.substr(std::min(text.find_first_not_of(" \t"), text.size()));
}

std::string_view trimEnd(std::string_view text)
{
    // npos + 1 is 0: a line of blanks trims to nothing.
    return text.substr(0, text.find_last_not_of(" \t") + 1);
}

Verb verbOf(std::string_view word)
{
    struct Name
    {
        std::string_view name;
        Verb verb;
    };
    static constexpr Name kNames[] = {
        {"LHLO", Verb::Lhlo}, {"MAIL", Verb::Mail}, {"RCPT", Verb::Rcpt},
        {"DATA", Verb::Data}, {"RSET", Verb::Rset}, {"NOOP", Verb::Noop},
        {"QUIT", Verb::Quit}, {"VRFY", Verb::Vrfy}, {"HELP", Verb::Help},
        // LMTP has no HELO or EHLO (RFC 2033 section 4.1); the rest are SMTP
        // extensions this server does not offer.
        {"HELO", Verb::NotImplemented}, {"EHLO", Verb::NotImplemented}, {"EXPN", Verb::NotImplemented},
        {"BDAT", Verb::NotImplemented}, {"ETRN", Verb::NotImplemented}, {"TURN", Verb::NotImplemented},
        {"AUTH", Verb::NotImplemented}, {"STARTTLS", Verb::NotImplemented}, {"SEND", Verb::NotImplemented},
        {"SOML", Verb::NotImplemented}, {"SAML", Verb::NotImplemented}, {"XCLIENT", Verb::NotImplemented},
        {"XFORWARD", Verb::NotImplemented},
    };
    for (const Name& name : kNames)
        if (iequals(word, name.name))
            return name.verb;
    return Verb::Unknown;
}

/// The end of the address that starts after '<' at `open`: the matching '>' outside
/// quotes and escapes, or npos.
std::size_t closingBracket(std::string_view text, std::size_t open)
{
    bool quoted = false;
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && quoted)
            ++i;
        else if (c == '"')
            quoted = !quoted;
        else if (c == '>' && !quoted)
            return i;
        else if (c == '<' && !quoted)
            return std::string_view::npos;
    }
    return std::string_view::npos;
}

std::string_view withoutSourceRoute(std::string_view address)
{
    if (address.empty() || address.front() != '@')
        return address;
    const std::size_t colon = address.find(':');
    return colon == std::string_view::npos ? std::string_view() : address.substr(colon + 1);
}

} // namespace

LmtpCommand parseCommand(std::string_view line)
{
    line = trimEnd(line);
    const std::size_t space = line.find_first_of(" \t");
    LmtpCommand command;
    command.verb = verbOf(line.substr(0, space));
    if (space != std::string_view::npos)
        command.argument = skipSpaces(line.substr(space));
    return command;
}

std::optional<MailPath> parsePath(std::string_view argument, std::string_view keyword)
{
    if (!istartsWith(argument, keyword))
        return std::nullopt;
    const std::string_view rest = skipSpaces(argument.substr(keyword.size()));
    if (rest.empty() || rest.front() != '<')
        return std::nullopt;
    const std::size_t close = closingBracket(rest, 0);
    if (close == std::string_view::npos)
        return std::nullopt;
    const std::string_view address = withoutSourceRoute(rest.substr(1, close - 1));
    if (address.empty() && close > 1)
        return std::nullopt;  // "<@route>" with nothing after the route
    MailPath path;
    path.address.assign(address);
    std::string_view parameters = rest.substr(close + 1);
    if (!parameters.empty() && parameters.front() != ' ' && parameters.front() != '\t')
        return std::nullopt;
    for (parameters = skipSpaces(parameters); !parameters.empty(); parameters = skipSpaces(parameters)) {
        const std::size_t end = std::min(parameters.find_first_of(" \t"), parameters.size());
        path.parameters.emplace_back(parameters.substr(0, end));
        parameters.remove_prefix(end);
    }
    return path;
}

} // namespace verpmail
