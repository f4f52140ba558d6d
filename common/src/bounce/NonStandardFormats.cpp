// NonStandardFormats: see the header. The tables below are the whole "knowledge"
// of the non-RFC 3464 formats; the scanner itself knows no MTA.
#include "verpmail/bounce/NonStandardFormats.h"

#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace verpmail::bounce {

namespace {

// Lower-case line fragments after which MTAs append the returned message
// (or its headers). Matched against trimmed lines.
const PhraseSet& originalMarkers()
{
    static const PhraseSet markers({
        "below this line is a copy of the message",          // qmail, Yahoo, Verizon
        "this is a copy of the message",                     // Exim
        "this is a copy of your message",
        "copy of the message, including all the headers",
        "----- original message -----",                      // Gmail, Google Groups
        "original message follows",
        "--- original message ---",
        "-----original message-----",
        "original message headers",
        "headers of the original message",
        "header of the original message",
        "message headers follow",                             // DragonFly
        "returned message follows",
        "------- returned message",
        "----- unsent message below",
        "unsent message below",
        "-- the header and top 20 lines of the message follows --",
        "the header and top",
        "original message header",
        "text of the message follows",
        "the text you sent follows",
        "your message reads",
        "--- returned mail follows",
        "----- message text follows",
        "----- the following is a copy of",
        "undelivered message follows",
        "--- the message that you sent follows",
        "the original message headers",
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

// Lower-case subject fragments of delivery failure reports.
const PhraseSet& bounceSubjects()
{
    static const PhraseSet subjects({
        "undeliver",          "undelivered",         "delivery status notification",
        "delivery failure",   "delivery failed",     "delivery has failed",
        "mail delivery",      "returned mail",       "failure notice",
        "could not be delivered", "not delivered",   "delivery problem",
        "delivery notification", "returned to sender", "non remis",
        "unzustellbar",       "nicht zustellbar",    "no entregado",
        "non recapitato",     "niet bezorgd",        "mail system error",
        "delivery report",    "message not delivered", "nondeliverable",
        "non-deliverable",    "unable to deliver",   "rejected",
        "failed delivery",    "bounce",              "error sending",
        "mail failure",       "delivery error",      "warning: could not",
        "permanent error",    "delivery fail",       "returned",
        "\xe9\x85\x8d\xe4\xbf\xa1",                        // 配信
        "\xe4\xb8\x8d\xe9\x81\x94",                        // 不達
    });
    return subjects;
}

// Lower-case phrases of a delivery failure report's prose.
const PhraseSet& bounceTextPhrases()
{
    static const PhraseSet phrases({
        "could not be delivered",   "couldn't be delivered",   "was not delivered",
        "wasn't delivered",         "not be delivered",        "undeliverable",
        "delivery has failed",      "delivery failed",         "permanent error",
        "permanent fatal error",    "did not reach",           "unable to deliver",
        "error delivering",         "trouble delivering",      "delivery to the following",
        "failed permanently",       "returned permanent errors", "following address(es) failed",
        "could not deliver",        "failed to deliver",       "invalid user address",
        "no such user",             "user unknown",            "mailbox is full",
    });
    return phrases;
}

// Lower-case phrases of "still trying" warnings.
const PhraseSet& delayPhrases()
{
    static const PhraseSet phrases({
        "has not yet been delivered",
        "delivery attempts will continue",
        "will continue trying",
        "will continue to try",
        "still trying to deliver",
        "this is a warning message only",
        "no action is required on your part",
        "delivery status notification (delay)",
        "warning: message",
    });
    return phrases;
}

// Local parts that report, never receive, the failure. `lower`: an address
// lower-cased already (as scanErrorText compares them), so its local part is
// compared as it stands, without a lower-cased copy.
// (Any case: the address is read where it stands.)
bool isDaemonAddress(std::string_view address)
{
    static const std::vector<std::string_view> locals = {
        "mailer-daemon", "mail-daemon", "postmaster", "maildaemon", "mailerdaemon", "daemon", "root", "abuse",
    };
    const std::string_view local = address.substr(0, address.find('@'));
    return std::any_of(locals.begin(), locals.end(), [&](std::string_view name) { return iequals(local, name); });
}

struct FoldHash
{
    std::size_t operator()(std::string_view text) const
    {
        std::size_t h = 14695981039346656037ull;
        for (const char c : text)
            h = (h ^ foldByte(static_cast<unsigned char>(c))) * 1099511628211ull;
        return h;
    }
};
struct FoldEqual
{
    bool operator()(std::string_view a, std::string_view b) const { return iequals(a, b); }
};

// The addresses an error text named so far, as views into it, told apart without
// regard to case. Performance: a text names a handful, so a list searched in order,
// held in place, costs no allocation; a long list (hostile or huge texts) moves to a
// hash set so the scan stays linear.
class SeenAddresses
{
public:
    /// False when address (in any case) was seen before.
    bool insert(std::string_view address)
    {
        if (_many.empty())
        {
            for (std::size_t i = 0; i < _fewCount; ++i)
                if (iequals(_few[i], address))
                    return false;
            if (_fewCount < kFew)
            {
                _few[_fewCount++] = address;
                return true;
            }
            _many.insert(_few.begin(), _few.end());
        }
        return _many.insert(address).second;
    }

private:
    static constexpr std::size_t kFew = 32;
    std::array<std::string_view, kFew> _few;
    std::size_t _fewCount = 0;
    std::unordered_set<std::string_view, FoldHash, FoldEqual> _many;
};

// Lines whose addresses belong to the sender or the message, not a recipient.
bool isSenderContextLine(std::string_view line)
{
    static const PhraseSet fragments({
        "mail from", "from:", "sender", "message-id", "envelope-from", "return-path", "reply-to",
        "smtp.mailfrom", "message id", "originator", "x-original-sender", "your message to",
        "generated from", "generated by", "forwarded from", "expanded from",
    });
    // The first fragment in the list that the line holds decides; "... sent to <x>"
    // after "your message" still names the recipient.
    const PhraseSet::Match found = fragments.findLowestIndex(line);
    return found && fragments.phrase(found.index) != "your message to";
}

// A line that is nothing but an address ("  a@b.example", "<a@b.example>:"), as
// reports list their failed recipients.
bool isBareAddressLine(std::string_view line)
{
    std::string_view t = trim(line);
    while (!t.empty() && (t.back() == ':' || t.back() == '>' || t.back() == ','))
        t.remove_suffix(1);
    while (!t.empty() && t.front() == '<')
        t.remove_prefix(1);
    // (A loop: libstdc++'s find_first_of calls memchr once per byte.)
    bool hasAt = false;
    for (const char c : t)
    {
        if (c == ' ' || c == '\t')
            return false;
        hasAt = hasAt || c == '@';
    }
    return hasAt;
}

// An SMTP failure code (4xx/5xx reply or enhanced status) in text; "Size: 222" is none.
bool carriesErrorCode(std::string_view text)
{
    const std::string reply = findReplyCode(text);
    const std::string status = findStatusCode(text);
    return (!reply.empty() && reply[0] != '2') || (!status.empty() && status[0] != '2');
}

// Fields that only a copied message header starts with (not a summary's To/Subject):
// return-path:, received:, delivered-to:, dkim-signature:, x-original-to:, arc-seal:.
// Performance: the first letter picks the names compared (every line of prose after
// a blank line is tested, and most start with none of the four letters).
bool startsCopiedHeader(std::string_view line)
{
    if (line.size() < 9)   // the shortest name
        return false;
    const unsigned char first = foldByte(static_cast<unsigned char>(line[0]));
    if (first == 'r')
        return istartsWith(line, "return-path:") || istartsWith(line, "received:");
    if (first == 'd')
        return istartsWith(line, "delivered-to:") || istartsWith(line, "dkim-signature:");
    return (first == 'x' && istartsWith(line, "x-original-to:")) || (first == 'a' && istartsWith(line, "arc-seal:"));
}

// The whole lines of text from offset `begin` up to offset `end` (both line starts, or
// text.size()), with their '\n's, while fewer than `bound` bytes are gathered. A view
// of text, unless the last line taken has no '\n' in text (text's last line); then a
// copy in `owned` with one added, so the result is always what appending line + '\n'
// one by one would give.
std::string_view wholeLines(std::string_view text, std::size_t begin, std::size_t end, std::size_t bound,
                            std::string& owned)
{
    if (begin >= end || bound == 0)
        return {};
    // Lines are taken until one ends at `end` or at least `bound` bytes in, so only
    // that line's end is looked for (one memchr, not one per line): where the lines up
    // to `end` fit the bound it is `end` itself (a line start, or text.size()).
    std::size_t pos = end;
    if (end - begin > bound)
    {
        const std::size_t eol = text.find('\n', begin + bound - 1);
        pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    }
    else if (end == text.size() && text.back() != '\n')
        pos = text.size() + 1;
    if (pos <= text.size())
        return text.substr(begin, pos - begin);
    owned.assign(text.substr(begin));
    owned.push_back('\n');
    return owned;
}

bool looksLikeHeaderLine(std::string_view line)
{
    static const std::vector<std::string_view> names = {
        "return-path:", "received:", "message-id:", "date:", "from:", "to:", "subject:",
        "mime-version:", "content-type:", "x-", "dkim-signature:", "delivered-to:",
    };
    for (std::string_view name : names)
        if (istartsWith(line, name))
            return true;
    return false;
}

// Where the line that holds text[pos] starts: after the last '\n' before pos, or 0.
// Performance: sixteen bytes at a time backwards (SSE2): rfind's byte loop, from
// every line's '@' back to its start, was a sixth of the error text scan.
std::size_t lineStartOf(std::string_view text, std::size_t pos)
{
#if defined(__SSE2__)
    const __m128i lineFeed = _mm_set1_epi8('\n');
    for (; pos >= 16; pos -= 16)
    {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos - 16));
        if (const unsigned breaks = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, lineFeed))))
            return pos - 16 + static_cast<std::size_t>(31 - __builtin_clz(breaks)) + 1;
    }
#endif
    for (; pos > 0; --pos)
        if (text[pos - 1] == '\n')
            return pos;
    return 0;
}

// The length of the shortest marker: a shorter line holds none.
std::size_t shortestOriginalMarker()
{
    static const std::size_t shortest = [] {
        const PhraseSet& markers = originalMarkers();
        std::size_t n = markers.phrase(0).size();
        for (std::size_t i = 1; i < markers.size(); ++i)
            n = std::min(n, markers.phrase(i).size());
        return n;
    }();
    return shortest;
}

// The first byte of [p, end) that is not white space (end when none), and where
// the line that holds it starts: after the last '\n' before it, or at p.
// Performance: sixteen bytes at a time (SSE2) where a text is indented or has runs
// of blank lines (HTML made text): a byte loop cost a compare and a branch per blank.
struct NonSpace
{
    const char* at;
    const char* lineStart;
};
NonSpace firstNonSpace(const char* p, const char* end)
{
    const char* lineStart = p;
#if defined(__SSE2__)
    while (end - p >= 16)
    {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // isSpace: ' ' or 0x09..0x0d (signed compares: bytes from 0x80 fail both).
        const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                                           _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x08)),
                                                         _mm_cmplt_epi8(x, _mm_set1_epi8(0x0e))));
        const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(space)) & 0xffffu;
        unsigned breaks = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
        if (other != 0)
            breaks &= (1u << __builtin_ctz(other)) - 1;   // those before it
        if (breaks != 0)
            lineStart = p + (31 - __builtin_clz(breaks)) + 1;
        if (other != 0)
            return {p + __builtin_ctz(other), lineStart};
        p += 16;
    }
#endif
    for (; p != end && isSpace(*p); ++p)
        if (*p == '\n')
            lineStart = p + 1;
    return {p, lineStart};
}

} // namespace

std::size_t findOriginalStart(std::string_view text, std::size_t* contentStart)
{
    // Performance: the table is fetched once; the walk goes from one line that is not
    // blank to the next (blank lines and indentation are passed over sixteen bytes at a
    // time), and such a line is trimmed only at its end, and only where it is long
    // enough to matter. A marker has no white space at either end, so a line holds
    // one trimmed or not, and a copied header's name ends with ':', so a line starts
    // with one trimmed or not. A line too short for any marker is not searched (a
    // search costs a call and its setup, and most lines of prose and HTML are short).
    const PhraseSet& markers = originalMarkers();
    const std::size_t shortest = shortestOriginalMarker();
    const char* const begin = text.data();
    const char* const stop = begin + text.size();
    std::size_t pos = 0;   // where the lines not yet read start
    bool sawProse = false;
    while (pos < text.size())
    {
        // The next line that is not blank: [lineStart, end), its first other byte at
        // `first`; the line before it was blank when blank lines came between.
        std::size_t first = pos;
        std::size_t lineStart = pos;
        if (isSpace(text[pos]))
        {
            const NonSpace found = firstNonSpace(begin + pos, stop);
            if (found.at == stop)
                break;
            first = static_cast<std::size_t>(found.at - begin);
            lineStart = static_cast<std::size_t>(found.lineStart - begin);
        }
        const bool previousBlank = lineStart > pos;
        const std::size_t end = static_cast<std::size_t>(swar::findByte(begin, begin + first, stop, '\n') - begin);
        const std::size_t next = end == text.size() ? text.size() : end + 1;
        std::size_t last = end;
        if (end - first >= 200)
            while (isSpace(text[last - 1]))   // (text[first] is not white space)
                --last;
        if (last - first < 200)
        {
            const std::string_view line = text.substr(first, end - first);   // trimmed but at its end
            if (line.size() >= shortest && markers.findAny(line))
            {
                if (contentStart)
                    *contentStart = next;
                return lineStart;
            }
            // No marker: a header block (two header lines in a row) after prose and a
            // blank line is the returned copy.
            if (sawProse && previousBlank && startsCopiedHeader(line))
            {
                const std::size_t end2 = text.find('\n', next);
                const std::string_view following =
                    trim(text.substr(next, end2 == std::string_view::npos ? std::string_view::npos : end2 - next));
                if (looksLikeHeaderLine(following) || (!following.empty() && following.find(':') != std::string_view::npos))
                {
                    if (contentStart)
                        *contentStart = lineStart;
                    return lineStart;
                }
            }
        }
        sawProse = true;
        pos = next;
    }
    if (contentStart)
        *contentStart = std::string_view::npos;
    return std::string_view::npos;
}

bool looksLikeBounceHeader(const HeaderBlock& headers)
{
    if (headers.has("X-Failed-Recipients"))
        return true;
    const std::string from = toLower(headers.find("From"));
    if (from.find("mailer-daemon") != std::string::npos || from.find("postmaster") != std::string::npos ||
        from.find("mail delivery") != std::string::npos || from.find("mail-daemon") != std::string::npos)
        return true;
    return bounceSubjects().findAny(decodeEncodedWords(headers.find("Subject")));
}

bool looksLikeBounceText(std::string_view text)
{
    return bounceTextPhrases().findAny(text.substr(0, 16384));
}

bool isDelayNotice(std::string_view text)
{
    return delayPhrases().findAny(text.substr(0, 8192));
}

void fillCodesFromText(RecipientResult& result)
{
    if (result.status.empty())
        result.status = findStatusCode(result.diagnostic);
    if (result.replyCode.empty())
        result.replyCode = findReplyCode(result.diagnostic);
}

ErrorTextScan::ErrorTextScan(std::string_view errorText, const std::vector<std::string_view>& exclude,
                             const ParseLimits& limits, const std::vector<std::string>& fallback)
    : _text(errorText)
{
    // Weak hits name a recipient only when nothing else does: daemon addresses,
    // addresses on "To:" summary lines, and the excluded ones (the original's sender
    // can be its recipient too, e.g. a test message to oneself).
    std::vector<Hit> daemonHits;
    std::vector<Hit> excludedHits;
    SeenAddresses seen;
    // Performance: only lines with an '@' can name an address, so the scan goes from
    // one '@' to the next instead of reading every line of the text.
    for (std::size_t at = errorText.find('@'); at != std::string_view::npos && _hits.size() < limits.maxRecipients;)
    {
        const std::size_t lineStart = lineStartOf(errorText, at);
        const std::size_t eol = errorText.find('\n', at);
        const std::string_view line =
            errorText.substr(lineStart, (eol == std::string_view::npos ? errorText.size() : eol) - lineStart);
        at = eol == std::string_view::npos ? eol : errorText.find('@', eol + 1);
        if (line.size() > 4096 || isSenderContextLine(line))
            continue;
        const bool summaryLine = istartsWith(trim(line), "to:") || istartsWith(trim(line), "cc:");
        // Performance: addresses are compared where they stand and copied only when
        // kept (most are repeats or summary lines).
        AddressScanner scanner(line);
        AddressSpan found;
        for (std::size_t n = 0; n < 20 && scanner.next(found); ++n)
        {
            if (!seen.insert(found.address))
            {
                if (isBareAddressLine(line) && _repeatLines.size() < 10000)
                    _repeatLines.push_back({found.address, lineStart});
                continue;
            }
            const auto excluded = [&](std::string_view entry) { return iequals(entry, found.address); };
            if (std::any_of(exclude.begin(), exclude.end(), excluded))
            {
                if (excludedHits.size() < limits.maxRecipients)
                    excludedHits.push_back({found.address, found.at, lineStart});
                continue;
            }
            if (isDaemonAddress(found.address) || summaryLine)
            {
                if (daemonHits.size() < limits.maxRecipients)
                    daemonHits.push_back({found.address, found.at, lineStart});
                continue;
            }
            _hits.push_back({found.address, found.at, lineStart});
            if (_hits.size() >= limits.maxRecipients)
                break;
        }
    }

    if (_hits.empty())
        _hits = std::move(daemonHits);
    if (_hits.empty() && fallback.size() == 1)
    {
        _fallbackApplies = true;
        return;
    }
    if (_hits.empty())
        _hits = std::move(excludedHits);
    // Some reports give the error once, before listing the addresses it applies to
    // ("Could not be delivered because of 550 5.1.1 User unknown. The following
    // recipients were affected: ..."). That preamble is every address's error when
    // the text after the address carries no code of its own.
    if (!_hits.empty())
    {
        _preamble = wholeLines(errorText, 0, _hits.front().lineStart, 2000, _preambleCopy);
        // (It may view _preambleCopy: the scan is never copied or moved.)
        if (!carriesErrorCode(_preamble))
            _preamble = {};
    }
}

std::string ErrorTextScan::address(std::size_t i) const
{
    // As findAddresses gives it: the domain lower-cased.
    const Hit& hit = _hits[i];
    std::string address(hit.address);
    for (std::size_t k = hit.at + 1; k < address.size(); ++k)
        address[k] = static_cast<char>(foldByte(static_cast<unsigned char>(address[k])));
    return address;
}

std::string_view ErrorTextScan::errorText(std::size_t i, std::string& storage) const
{
    // The error for an address is the text from its line up to the next address
    // (or the end of the error text).
    const std::size_t first = _hits[i].lineStart;
    std::size_t last = _text.size();
    for (std::size_t k = i + 1; k < _hits.size(); ++k)
        if (_hits[k].lineStart > first)
        {
            last = _hits[k].lineStart;
            break;
        }
    // (Its own address repeated is part of its error: "after RCPT TO:\n<a@b>:".)
    for (const RepeatLine& repeat : _repeatLines)
        if (repeat.lineStart > first && repeat.lineStart < last && !iequals(repeat.address, _hits[i].address))
        {
            last = repeat.lineStart;
            break;
        }
    std::string_view segment = wholeLines(_text, first, last, 4000, storage);
    if (!_preamble.empty() && !carriesErrorCode(segment))
    {
        std::string withPreamble(_preamble);
        withPreamble.append(segment);
        storage = std::move(withPreamble);
        segment = storage;
    }
    return segment;
}

std::string ErrorTextScan::diagnostic(std::size_t i) const
{
    std::string storage;
    return collapseDiagnostic(errorText(i, storage), 1000);
}

RecipientResult ErrorTextScan::describe(std::size_t i, bool withCommand) const
{
    std::string storage;
    const std::string_view segment = errorText(i, storage);
    RecipientResult result;
    result.address = address(i);
    result.diagnostic = collapseDiagnostic(segment, 1000, &result.replyCode);
    result.status = findStatusCode(result.diagnostic);
    if (withCommand)
        result.smtpCommand = findSmtpCommand(segment);
    return result;
}

std::vector<RecipientResult> scanErrorText(std::string_view errorText, const std::vector<std::string_view>& exclude,
                                           const ParseLimits& limits, const std::vector<std::string>& fallback)
{
    const ErrorTextScan scan(errorText, exclude, limits, fallback);
    if (scan.fallbackApplies())
    {
        // The original's recipient; the error text then is all there is to say.
        RecipientResult result;
        result.address = fallback.front();
        result.diagnostic = collapseDiagnostic(errorText, 1000, &result.replyCode);
        result.status = findStatusCode(result.diagnostic);
        result.smtpCommand = findSmtpCommand(errorText);
        return {result};
    }
    std::vector<RecipientResult> results;
    results.reserve(scan.size());
    for (std::size_t i = 0; i < scan.size(); ++i)
        results.push_back(scan.describe(i, true));
    return results;
}

} // namespace verpmail::bounce
