// SmtpCodes: see the header. Hand-written scanners rather than std::regex: bounded
// time on hostile input. Each is one pass over its text.
#include "verpmail/bounce/SmtpCodes.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/PhraseSet.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace verpmail::bounce {

namespace {

// The length of the status code "c.s.d" at text[i] (text[i] one of 2, 4, 5, then a
// dot), or 0: a subject and a detail of one to three digits, not inside a longer
// run of numbers and dots ("5.1.1.4", "192.0.2.153").
std::size_t statusCodeAt(std::string_view text, std::size_t i)
{
    if (i > 0 && (isDigit(text[i - 1]) || text[i - 1] == '.'))
        return 0;
    const auto digits = [&](std::size_t& j) {
        std::size_t n = 0;
        while (j < text.size() && isDigit(text[j]) && n < 4)
            ++j, ++n;
        return n;
    };
    std::size_t j = i + 2;
    const std::size_t subject = digits(j);
    if (subject == 0 || subject > 3 || j >= text.size() || text[j] != '.')
        return 0;
    ++j;
    const std::size_t detail = digits(j);
    if (detail == 0 || detail > 3)
        return 0;
    if (j < text.size() && (isDigit(text[j]) || (text[j] == '.' && j + 1 < text.size() && isDigit(text[j + 1]))))
        return 0;
    return j - i;
}

// Whether the three digits at text[i] stand alone: after the start or an opening
// byte, before the end or a closing one.
bool replyCodeStandsAlone(std::string_view text, std::size_t i)
{
    if (i > 0 && !isSpace(text[i - 1]) && std::string_view(":([\"#=").find(text[i - 1]) == std::string_view::npos)
        return false;
    return i + 3 >= text.size() || std::string_view(" -\n\t)]").find(text[i + 3]) != std::string_view::npos;
}

// Whether dropCodes changes collapsed, whose first reply code is code:
// only where the code is written more than once (or blanks end the text).
bool dropsCodes(std::string_view collapsed, std::string_view code)
{
    const std::size_t first = collapsed.find(code);
    return collapsed.find(code, first + 1) != std::string_view::npos || collapsed.front() == ' ' ||
           collapsed.back() == ' ';
}

// The text split at every ' ', without every code token but the first and without
// the status token right after a dropped one, joined by ' ' (empty tokens before
// the first word left out).
std::string dropCodes(std::string_view collapsed, std::string_view code)
{
    const std::string status = findStatusCode(collapsed);
    std::string out;
    bool seenCode = false;
    bool dropStatus = false;
    for (std::size_t start = 0;;)
    {
        const std::size_t end = std::min(collapsed.find(' ', start), collapsed.size());
        const std::string_view token = collapsed.substr(start, end - start);
        const bool last = end == collapsed.size();
        if (last && token.empty() && start > 0)
            break;   // no empty token after a final ' '
        const bool isCode = token.substr(0, 3) == code && (token.size() == 3 || token[3] == '-');
        const bool drop = (isCode && seenCode) || (dropStatus && !status.empty() && token == status);
        seenCode = seenCode || isCode;
        dropStatus = drop && isCode;
        if (!drop && !(out.empty() && token.empty()))
        {
            if (!out.empty())
                out += ' ';
            out += token;
        }
        if (last)
            break;
        start = end + 1;
    }
    return out;
}

} // namespace

std::string findStatusCode(std::string_view text)
{
    for (std::size_t i = 0; i + 5 <= text.size(); ++i)
    {
        const char c = text[i];
        if ((c == '2' || c == '4' || c == '5') && text[i + 1] == '.')
            if (const std::size_t length = statusCodeAt(text, i))
                return std::string(text.substr(i, length));
    }
    return {};
}

std::string findReplyCode(std::string_view text)
{
    for (std::size_t i = 0; i + 3 <= text.size(); ++i)
    {
        const char c = text[i];
        if ((c == '2' || c == '4' || c == '5') && text[i + 1] >= '0' && text[i + 1] <= '5' && isDigit(text[i + 2]) &&
            replyCodeStandsAlone(text, i))
            return std::string(text.substr(i, 3));
    }
    return {};
}

std::string collapseDiagnostic(std::string_view text, std::size_t maxBytes, std::string* replyCode)
{
    std::string collapsed = collapseSpace(text, maxBytes);
    std::string code = findReplyCode(collapsed);
    if (!code.empty() && dropsCodes(collapsed, code))
    {
        collapsed = dropCodes(collapsed, code);
        code = findReplyCode(collapsed);
    }
    if (replyCode)
        *replyCode = std::move(code);
    return collapsed;
}

// Where the reply whose first transcript line starts at `reply` ends: after its last
// line ("<<< 550 text"), past its continuation lines ("<<< 550-text").
std::size_t endOfReply(std::string_view text, std::size_t reply)
{
    for (std::size_t line = reply; line != std::string_view::npos && text.compare(line, 4, "<<< ") == 0;)
    {
        const std::size_t eol = text.find('\n', line);
        const bool more = line + 7 < text.size() && text[line + 7] == '-';
        if (!more || eol == std::string_view::npos)
            return eol == std::string_view::npos ? text.size() : eol + 1;
        line = eol + 1;
    }
    return reply;
}

// Whether DATA, sent at `command` and first answered at `reply`, got a second reply
// before the next command: under PIPELINING (RFC 2920) the client sends RCPT and DATA
// together, so the first reply answered a RCPT ("<<< 550 User unknown") and the
// second the DATA ("<<< 503 need RCPT", "<<< 554 no valid recipients").
bool dataAnsweredTwice(std::string_view text, std::size_t reply)
{
    const std::size_t end = endOfReply(text, reply);
    const std::size_t nextReply = text.find("<<< ", end);
    const std::size_t nextCommand = text.find(">>> ", end);
    const std::size_t nextHost = ifind(text.substr(0, std::min(nextCommand, text.size())), "while talking to ", end);
    return nextReply != std::string_view::npos && nextReply < nextCommand && nextReply < nextHost;
}

// In a Sendmail transcript (">>> command", "<<< reply"), the command the first 4xx
// or 5xx reply answers, or "".
std::string transcriptCommand(std::string_view text)
{
    for (std::size_t reply = text.find("<<< "); reply != std::string_view::npos; reply = text.find("<<< ", reply + 4))
    {
        const std::size_t command = text.rfind(">>> ", reply);
        if (reply + 4 >= text.size() || (text[reply + 4] != '4' && text[reply + 4] != '5') || command == std::string_view::npos)
            continue;
        const std::string_view verb = text.substr(command + 4, 4);
        if (iequals(verb, "DATA"))
            return dataAnsweredTwice(text, reply) ? "RCPT" : "DATA";
        for (const std::string_view known : {"MAIL", "RCPT", "HELO", "EHLO"})
            if (iequals(verb, known))
                return known == "EHLO" ? "HELO" : std::string(known);
        return "";
    }
    return "";
}

std::string findSmtpCommand(std::string_view text)
{
    if (std::string command = transcriptCommand(text); !command.empty())
        return command;
    // Postfix "in reply to X command", Exim "after X", Yahoo "[RCPT_TO]", qmail prose.
    static const std::pair<std::string_view, std::string_view> rows[] = {
        {"in reply to end of data", "DATA"},   {"in reply to data", "DATA"},
        {"after end of data", "DATA"},         {"after data", "DATA"},
        {"in reply to rcpt to", "RCPT"},       {"after rcpt to", "RCPT"},
        {"[rcpt_to]", "RCPT"},                 {"does not like recipient", "RCPT"},
        {"in reply to mail from", "MAIL"},     {"after mail from", "MAIL"},
        {"[mail_from]", "MAIL"},               {"does not like sender", "MAIL"},
        {"in reply to helo", "HELO"},          {"in reply to ehlo", "HELO"},
        {"after helo", "HELO"},                {"after ehlo", "HELO"},
        {"did not like our rcpt to", "RCPT"},
        {"did not like our mail from", "MAIL"}, {"did not like our data", "DATA"},
        {"smtp command data", "DATA"},         {"in reply to initial", "CONN"},
        {"while connected", "CONN"},           {"after initial connection", "CONN"},
        {"refused to talk to me", "CONN"},
    };
    static const PhraseSet phrases = [] {
        std::vector<std::string_view> list;
        for (const auto& row : rows)
            list.push_back(row.first);
        return PhraseSet(list);
    }();
    // The phrase that starts first names the command (the earlier row on a tie).
    const PhraseSet::Match found = phrases.findEarliest(text);
    return found ? std::string(rows[found.index].second) : std::string();
}

namespace {

bool isHostChar(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';
}

// A host name: letters, digits, '-', '_' and dots, with a dot inside, at most 253 bytes.
std::string hostName(std::string_view token)
{
    while (!token.empty() && token.back() == '.')
        token.remove_suffix(1);
    if (token.empty() || token.size() > 253 || token.front() == '.' || token.find('.') == std::string_view::npos ||
        !std::all_of(token.begin(), token.end(), isHostChar))
        return {};
    return toLower(token);
}

// The name just before an address literal that starts at `bracket` ("name[192.0.2.1]",
// "name [2001:db8::1]"), or "".
std::string nameBeforeLiteral(std::string_view text, std::size_t bracket)
{
    const std::size_t close = text.find(']', bracket);
    if (close == std::string_view::npos || close - bracket < 3 || close - bracket > 46)
        return {};
    const std::string_view literal = text.substr(bracket + 1, close - bracket - 1);
    if (!std::all_of(literal.begin(), literal.end(), [](char c) { return isDigit(c) || c == '.' || c == ':' ||
                                                                       (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }))
        return {};
    std::size_t end = bracket;
    if (end > 0 && text[end - 1] == ' ')
        --end;
    std::size_t begin = end;
    while (begin > 0 && end - begin < 254 && isHostChar(text[begin - 1]))
        --begin;
    // "received ... from client.example [192.0.2.1]" names our side's client, not theirs.
    if (begin >= 5 && iequals(text.substr(begin - 5, 5), "from "))
        return {};
    return hostName(text.substr(begin, end - begin));
}

} // namespace

std::string findRemoteHost(std::string_view text)
{
    const std::size_t talking = ifind(text, "while talking to ");
    std::size_t bracket = text.find('[');
    for (std::size_t tries = 0; bracket != std::string_view::npos && tries < 32; ++tries)
    {
        if (talking != std::string_view::npos && talking < bracket)
            break;
        if (std::string name = nameBeforeLiteral(text, bracket); !name.empty())
            return name;
        bracket = text.find('[', bracket + 1);
    }
    if (talking == std::string_view::npos)
        return {};
    const std::size_t start = talking + std::string_view("while talking to ").size();
    std::size_t end = start;
    while (end < text.size() && end - start < 254 && isHostChar(text[end]))
        ++end;
    return hostName(text.substr(start, end - start));
}

} // namespace verpmail::bounce
