// OriginalMessage: see the header. The marker table is the whole knowledge of the
// MTAs' formats; the walk over the lines knows none of them.
#include "verpmail/bounce/OriginalMessage.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/PhraseSet.h"

#include <algorithm>
#include <initializer_list>

namespace verpmail::bounce {

namespace {

// Lower-case line fragments after which MTAs append the returned message (or its
// headers). Matched against lines of under 200 bytes.
const PhraseSet& originalMarkers()
{
    static const PhraseSet markers({
        "below this line is a copy of the message",          // qmail, Yahoo, Verizon
        "this is a copy of the message",                     // Exim
        "this is a copy of your message",
        "copy of the message, including all the headers",
        "original message follows",
        "--- original message ---",                          // Gmail, Google Groups
        "-----original message-----",
        "headers of the original message",
        "header of the original message",
        "message headers follow",                             // DragonFly
        "returned message follows",
        "------- returned message",
        "unsent message below",
        "the header and top",
        "original message header",
        "text of the message follows",
        "the text you sent follows",
        "your message reads",
        "--- returned mail follows",
        "----- message text follows",
        "----- the following is a copy of",
        "undelivered message follows",
        "message that you sent follows",
        "- these recipients of your message have been processed",
        "content of the original message",
        "----- rejected message",
        "[original message] -",
        "------ original mail",
        "--- mail header ---",
        "original message is attached",
    });
    return markers;
}

bool startsWithAny(std::string_view line, std::initializer_list<std::string_view> prefixes)
{
    return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return istartsWith(line, p); });
}

// Fields that only a copied message header starts with (not a summary's To/Subject).
bool startsCopiedHeader(std::string_view line)
{
    return startsWithAny(line, {"return-path:", "received:", "delivered-to:", "dkim-signature:", "x-original-to:",
                                "arc-seal:"});
}

bool looksLikeHeaderLine(std::string_view line)
{
    return startsWithAny(line, {"return-path:", "received:", "message-id:", "date:", "from:", "to:", "subject:",
                                "mime-version:", "content-type:", "x-", "dkim-signature:", "delivered-to:"});
}

} // namespace

std::size_t findOriginalStart(std::string_view text, std::size_t* contentStart)
{
    std::size_t found = std::string_view::npos;
    std::size_t content = std::string_view::npos;
    bool sawProse = false;
    bool previousBlank = false;
    LineReader lines(text);
    for (std::string_view line; found == std::string_view::npos && lines.next(line);)
    {
        const std::size_t lineStart = static_cast<std::size_t>(line.data() - text.data());
        const std::size_t next = std::min(lineStart + line.size() + 1, text.size());
        const std::string_view trimmed = trim(line);
        // A rule of dashes (or '=', '_') separates like a blank line.
        if (trimmed.empty() || (trimmed.size() >= 5 && trimmed.find_first_not_of("-=_*") == std::string_view::npos))
        {
            previousBlank = true;
            continue;
        }
        if (trimmed.size() < 200)
        {
            if (originalMarkers().findAny(trimmed))
            {
                found = lineStart;
                content = next;
            }
            // No marker: a header block (two header lines in a row) after prose and a
            // blank line is the returned copy.
            else if (sawProse && previousBlank && startsCopiedHeader(trimmed))
            {
                // The next field, past the copied field's folded lines.
                std::string_view following = text.substr(next);
                for (int n = 0; n < 20 && !following.empty() && (following[0] == ' ' || following[0] == '\t'); ++n)
                    following.remove_prefix(std::min(following.find('\n'), following.size() - 1) + 1);
                following = trim(following.substr(0, following.find('\n')));
                if (looksLikeHeaderLine(following) || following.find(':') != std::string_view::npos)
                    found = content = lineStart;
            }
        }
        sawProse = true;
        previousBlank = false;
    }
    if (contentStart)
        *contentStart = content;
    return found;
}

} // namespace verpmail::bounce
