#include "ReturnJson.h"

#include "verpmail/util/Json.h"

#include <cstring>
#include <string_view>

namespace verpmail {
namespace {

// Performance: --parse writes one of these lines per file, and written through
// JsonWriter (a string append per key, comma and quote) the line cost about a tenth
// of the parse. Here the caller makes room for the whole line once, the fixed parts
// are copied as constants and the strings escaped straight into place.

/// Copies a constant piece of the line (its size known when compiled).
template <std::size_t N>
char* put(char* dst, const char (&piece)[N])
{
    std::memcpy(dst, piece, N - 1);
    return dst + N - 1;
}

char* putString(char* dst, std::string_view text) { return writeJsonString(dst, text); }

/// The most bytes the constant pieces of one recipient take (keys, quotes, commas).
constexpr std::size_t kRecipientPieces =
    sizeof R"({"address":,"action":,"status":,"class":,"reason":,"diagnostic":},)" + 6 * 2;
/// Those of the line around the recipients.
constexpr std::size_t kLinePieces =
    sizeof R"({"file":,"kind":,"recipients":[],"feedback_type":,"campaign":,"problem":})" + 5 * 2;

} // namespace

std::size_t returnJsonBound(std::string_view file, const ParsedReturn& parsed)
{
    std::size_t text = file.size() + std::strlen(toString(parsed.kind)) + parsed.feedbackType.size() +
                       parsed.campaign.size() + parsed.problem.size();
    for (const RecipientResult& r : parsed.recipients)
        text += r.address.size() + r.action.size() + r.status.size() + std::strlen(toString(r.bounceClass)) +
                r.reason.size() + r.diagnostic.size();
    return kLinePieces + parsed.recipients.size() * kRecipientPieces + jsonStringBound(text);
}

char* writeReturnJson(char* p, std::string_view file, const ParsedReturn& parsed)
{
    p = putString(put(p, R"({"file":)"), file);
    p = putString(put(p, R"(,"kind":)"), toString(parsed.kind));
    p = put(p, R"(,"recipients":[)");
    bool first = true;
    for (const RecipientResult& r : parsed.recipients) {
        if (!first)
            *p++ = ',';
        first = false;
        p = putString(put(p, R"({"address":)"), r.address);
        p = putString(put(p, R"(,"action":)"), r.action);
        p = putString(put(p, R"(,"status":)"), r.status);
        p = putString(put(p, R"(,"class":)"), toString(r.bounceClass));
        p = putString(put(p, R"(,"reason":)"), r.reason);
        p = putString(put(p, R"(,"diagnostic":)"), r.diagnostic);
        *p++ = '}';
    }
    *p++ = ']';
    if (!parsed.feedbackType.empty())
        p = putString(put(p, R"(,"feedback_type":)"), parsed.feedbackType);
    if (!parsed.campaign.empty())
        p = putString(put(p, R"(,"campaign":)"), parsed.campaign);
    if (!parsed.problem.empty())
        p = putString(put(p, R"(,"problem":)"), parsed.problem);
    *p++ = '}';
    return p;
}

void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed)
{
    const std::size_t at = out.size();
    out.resize(at + returnJsonBound(file, parsed));
    char* const begin = &out[0];
    out.resize(static_cast<std::size_t>(writeReturnJson(begin + at, file, parsed) - begin));
}

} // namespace verpmail
