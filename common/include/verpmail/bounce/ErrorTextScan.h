// ErrorTextScan: the prose of a non-standard report split at its failed addresses.
//
// The formats share a shape: some prose, the failed address(es) each followed by the
// remote server's answer. The scan finds the addresses (leaving out the sender's,
// daemons' and summary lines'), and gives each the text from its line to the next
// address's as its error.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

/// Splits the human-readable error text at the failed addresses. Addresses in
/// `exclude` (the bounce's own From/To, the original sender) and daemon addresses are
/// not recipients, unless nothing else is named: then daemon addresses and "To:"
/// summary lines count, then `fallback` (the returned original's To:), then the
/// excluded ones (`exclude` is compared ignoring case). Results carry address,
/// status, reply code and diagnostic; reason and class are left for the classifier.
/// At most limits.maxRecipients results.
std::vector<RecipientResult> scanErrorText(std::string_view errorText, const std::vector<std::string_view>& exclude,
                                           const ParseLimits& limits, const std::vector<std::string>& fallback = {});

/// scanErrorText in two steps, for a caller that wants the error of only some of the
/// addresses (a DSN completing one recipient from the prose). Views errorText, which
/// must outlive it.
class ErrorTextScan
{
public:
    /// exclude is read here only. The fallback rule is scanErrorText's: when it
    /// applies, the scan names no address and fallbackApplies() says so.
    ErrorTextScan(std::string_view errorText, const std::vector<std::string_view>& exclude, const ParseLimits& limits,
                  const std::vector<std::string>& fallback = {});

    std::size_t size() const { return _hits.size(); }
    /// The i-th address as the text gives it (its domain lower-cased).
    std::string address(std::size_t i) const;
    /// The i-th address as the text writes it, to compare ignoring case.
    std::string_view addressAsWritten(std::size_t i) const { return _hits[i].address; }
    /// The i-th result as scanErrorText gives it (smtpCommand read before the text is collapsed).
    RecipientResult describe(std::size_t i) const;
    bool fallbackApplies() const { return _fallbackApplies; }

private:
    // An address (a view of the text, in any case) and where its line starts.
    struct Hit
    {
        std::string_view address;
        std::size_t at;   ///< offset of the '@' in address
        std::size_t lineStart;
    };
    // A line that lists an address named before, alone: a report repeated in a
    // second language or a summary, which ends another address's error text.
    struct RepeatLine
    {
        std::string_view address;
        std::size_t lineStart;
    };

    /// The i-th address's error text, uncollapsed.
    std::string errorText(std::size_t i) const;

    std::string_view _text;
    std::vector<Hit> _hits;
    std::vector<RepeatLine> _repeatLines;
    std::string _preamble;   ///< the error before the first address, when it carries a code
    bool _fallbackApplies = false;
};

} // namespace verpmail::bounce
