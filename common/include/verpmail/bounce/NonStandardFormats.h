// NonStandardFormats: reads bounces that are not RFC 3464 DSNs: the plain-text
// reports of qmail, Exim, old Sendmail, Exchange, Gmail, Yahoo, Courier, Lotus
// Notes, mail appliances and the like.
//
// There is no parser per MTA. The formats share a shape: some prose, the failed
// address(es) each followed by the remote server's answer, then a marker line and a
// copy of the original message. So the rules are data: a table of marker lines that
// start the returned copy, a table of subjects/senders that mark a bounce, and one
// scanner that splits the text before the marker at the failed addresses.
#pragma once

#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/ParsedReturn.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

/// Offset of the first line of an inline-quoted original message in text (after a
/// known marker line, or the first header-looking block after prose), or npos.
/// *contentStart receives where the quoted message itself starts (after the marker).
std::size_t findOriginalStart(std::string_view text, std::size_t* contentStart = nullptr);

/// True when the top-level header says "this is a bounce" (null sender, MAILER-DAEMON,
/// a delivery-failure subject in one of several languages, X-Failed-Recipients, ...).
bool looksLikeBounceHeader(const HeaderBlock& headers);

/// Splits the human-readable error text at the failed addresses. Addresses in
/// `exclude` (the bounce's own From/To, the original sender) and daemon addresses are
/// not recipients, unless nothing else is named: then daemon addresses and "To:"
/// summary lines count, then `fallback` (the returned original's To:), then the
/// excluded ones (`exclude` is compared ignoring case). Results carry address, status, reply code and diagnostic; reason
/// and class are left for the classifier. At most limits.maxRecipients results.
std::vector<RecipientResult> scanErrorText(std::string_view errorText, const std::vector<std::string_view>& exclude,
                                           const ParseLimits& limits, const std::vector<std::string>& fallback = {});

/// scanErrorText in two steps, for a caller that wants the error of only some of the
/// addresses (a DSN completing one recipient from the prose): the addresses are found
/// at once, an address's error text only when asked for (the scan's dearest part).
/// Views errorText, which must outlive it.
class ErrorTextScan
{
public:
    /// exclude is read here only. The fallback rule is scanErrorText's: when it
    /// applies, the scan names no address and fallbackApplies() says so.
    ErrorTextScan(std::string_view errorText, const std::vector<std::string_view>& exclude, const ParseLimits& limits,
                  const std::vector<std::string>& fallback = {});
    ErrorTextScan(const ErrorTextScan&) = delete;
    ErrorTextScan& operator=(const ErrorTextScan&) = delete;

    std::size_t size() const { return _hits.size(); }
    /// The i-th address as the text gives it (its domain lower-cased).
    std::string address(std::size_t i) const;
    /// The i-th address as the text writes it, to compare ignoring case.
    std::string_view addressAsWritten(std::size_t i) const { return _hits[i].address; }
    /// The i-th result as scanErrorText gives it; smtpCommand is searched for only
    /// when withCommand (in the text before it is collapsed).
    RecipientResult describe(std::size_t i, bool withCommand) const;
    /// describe(i, false).diagnostic alone, for a caller that wants no more of it.
    std::string diagnostic(std::size_t i) const;
    bool fallbackApplies() const { return _fallbackApplies; }

private:
    // An address and where its line starts (line starts order lines as their
    // numbers would).
    // Performance: a view, copied (its domain lower-cased) only when a result asks for
    // it: the addresses set aside (daemons, excluded) and those a DSN does not ask
    // about never are.
    struct Hit
    {
        std::string_view address;   ///< into _text, in any case
        std::size_t at;             ///< offset of the '@' in address
        std::size_t lineStart;
    };
    std::string_view _text;
    std::vector<Hit> _hits;
    // Lines that list an address named before, alone: a report repeated in a second
    // language or a summary, which ends another address's error text.
    struct RepeatLine
    {
        std::string_view address;   ///< into _text, in any case
        std::size_t lineStart;
    };
    std::vector<RepeatLine> _repeatLines;
    std::string _preambleCopy;
    std::string_view _preamble;   ///< the error before the first address, when it carries a code
    bool _fallbackApplies = false;

    /// The i-th address's error text, uncollapsed (a view of the text, or of storage).
    std::string_view errorText(std::size_t i, std::string& storage) const;
};

/// True when prose reads like a delivery failure report ("could not be delivered", ...).
bool looksLikeBounceText(std::string_view text);

/// True when a report's prose says delivery is still being tried (a warning, not a failure).
bool isDelayNotice(std::string_view text);

/// Fills status and reply code from the diagnostic text when they are empty.
void fillCodesFromText(RecipientResult& result);

} // namespace verpmail::bounce
