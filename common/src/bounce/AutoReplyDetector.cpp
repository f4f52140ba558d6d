// AutoReplyDetector: see the header. Rules are data: header names/values that
// mark auto-replies, and subject prefixes used by common clients.
#include "verpmail/bounce/AutoReplyDetector.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/PhraseSet.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace verpmail::bounce {

namespace {

// Whether value names a Message-ID as verpmail-send writes it: a campaign id (letters,
// digits, '.', '_', '-'; at most 64), a dot, 20 lower-case hex digits, then '@'.
bool namesOurMessageId(std::string_view value)
{
    const auto hex = [](char c) { return isDigit(c) || (c >= 'a' && c <= 'f'); };
    const auto idChar = [](char c) {
        return (lowerChar(c) >= 'a' && lowerChar(c) <= 'z') || isDigit(c) || c == '.' || c == '_' || c == '-';
    };
    for (std::size_t open = value.find('<'); open != std::string_view::npos; open = value.find('<', open + 1))
    {
        const std::size_t at = value.find_first_of("@<>", open + 1);
        const std::string_view local = value.substr(open + 1, at == std::string_view::npos ? 0 : at - open - 1);
        const std::size_t dot = local.rfind('.');
        if (at == std::string_view::npos || value[at] != '@' || dot == std::string_view::npos || dot == 0 ||
            dot > 64 || local.size() - dot != 21)
            continue;
        const std::string_view id = local.substr(0, dot), digits = local.substr(dot + 1);
        if (std::all_of(digits.begin(), digits.end(), hex) && std::all_of(id.begin(), id.end(), idChar))
            return true;
    }
    return false;
}

} // namespace

bool answersMail(const HeaderBlock& headers)
{
    const std::string_view submitted = trim(headers.find("Auto-Submitted"));
    const std::string_view token = trim(submitted.substr(0, submitted.find(';')));
    return isAutoReply(headers) || !(token.empty() || iequals(token, "no") || iequals(token, "auto-generated")) ||
           namesOurMessageId(headers.find("In-Reply-To")) || namesOurMessageId(headers.find("References"));
}

bool isAutoReply(const HeaderBlock& headers)
{
    // {header, value substring ("" = any value)}
    static const std::pair<std::string_view, std::string_view> replyHeaders[] = {
        {"Auto-Submitted", "auto-replied"},
        {"X-Autoreply", ""},
        {"X-Autorespond", ""},
        {"X-Autoresponder", ""},
        {"X-Apple-Action", "vacation"},
        {"X-Vacation", ""},
        {"X-Mailer", "vacation"},
        {"X-Auto-Reply-From", ""},
        {"X-POST-MessageClass", "autoreply"},
    };
    for (const auto& [name, value] : replyHeaders)
        for (std::size_t i = 0; i < headers.size(); ++i)
            if (iequals(headers.fieldName(i), name) && (value.empty() || icontains(headers.fieldValue(i), value)))
                return true;
    // Lower-case subject beginnings/phrases of out-of-office answers.
    static const PhraseSet phrases({
        "auto reply",           "autoreply",            "auto-reply",          "automatic reply",
        "autorespons",          "auto response",        "auto-response",       "automatische antwort",
        "out of office",        "out of the office",    "out-of-office",       "on vacation",
        "vacation reply",       "away from my",         "abwesenheitsnotiz",   "abwesend",
        "absence",              "r\xc3\xa9ponse automatique", "reponse automatique", "risposta automatica",
        "respuesta autom",      "fuera de la oficina",  "automatisch antwoord", "afwezig",
        "resposta autom",       "automatyczna odpowied", "autosvar",           "automaattinen vastaus",
        "\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94",   // 自動応答
        "\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d",   // 自动回复
        "\xe4\xb8\x8d\xe5\x9c\xa8",                           // 不在
    });
    return phrases.findAny(decodeEncodedWords(headers.find("Subject")));
}

} // namespace verpmail::bounce
