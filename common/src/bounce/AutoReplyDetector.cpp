// AutoReplyDetector: see the header. Rules are data: header names/values that
// mark auto-replies, and subject prefixes used by common clients.
#include "verpmail/bounce/AutoReplyDetector.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/PhraseSet.h"

#include <string_view>
#include <utility>
#include <vector>

namespace verpmail::bounce {

namespace {

// {header, value substring ("" = any value)}
const std::vector<std::pair<std::string_view, std::string_view>>& replyHeaders()
{
    static const std::vector<std::pair<std::string_view, std::string_view>> rules = {
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
    return rules;
}

// Lower-case subject beginnings/phrases of out-of-office answers.
const PhraseSet& replySubjects()
{
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
    return phrases;
}

} // namespace

bool isAutoReply(const HeaderBlock& headers)
{
    for (const auto& [name, value] : replyHeaders())
        for (std::size_t i = 0; i < headers.size(); ++i)
            if (iequals(headers.fieldName(i), name) && (value.empty() || icontains(headers.fieldValue(i), value)))
                return true;
    return replySubjects().findAny(decodeEncodedWords(headers.find("Subject")));
}

} // namespace verpmail::bounce
