// ClassifierRules: the data behind BounceClassifier, kept as plain tables so a new
// provider's wording is one line, not new code.
//
// Tables, consulted in this order by classify():
//  0. decisive status codes (5.2.3, 5.7.26, ...) that no wording overrides;
//  1. diagnostic phrases (lower-case substrings of the error text) -> reason;
//     first match wins, so specific phrases come before general ones; a phrase
//     may hold only with a class of status (the same words mean different things);
//  2. enhanced status codes -> reason (exact "5.1.1", or a "5.4." class prefix);
//  3. SMTP reply codes -> reason (weakest evidence);
// then the SMTP stage (StageRule).
#pragma once

#include <string_view>
#include <vector>

namespace verpmail::bounce {

struct PhraseRule
{
    std::string_view phrase;   ///< lower-case substring of the diagnostic text; one '*' may stand for one word
    std::string_view reason;
    std::string_view statusPrefix = {};   ///< "5.7.": the rule holds only with such a status ("" any)
};

struct CodeRule
{
    std::string_view code;     ///< "5.1.1", or a prefix ending in '.' ("5.4."), or a reply code "550"
    std::string_view reason;
};

/// A reason found for an error given at a particular SMTP stage means something
/// else: after MAIL FROM "user unknown" names the sender that was refused; before any
/// recipient is named a refusal cannot be about a mailbox. Elsewhere the words hold
/// whatever the stage (the verdict policy), except at mobile carriers (below).
struct StageRule
{
    std::string_view command;      ///< "MAIL", "RCPT", "DATA" (see findSmtpCommand)
    std::vector<std::string_view> fromReasons;   ///< reasons found by the other tables
    std::string_view toReason;
    std::string_view unlessStatus = {};   ///< a status that keeps the reason (an explicit 5.1.1)
    bool mobileCarrierOnly = false;       ///< only where mobileCarrierDomains() match
};

const std::vector<PhraseRule>& phraseRules();
const std::vector<StageRule>& stageRules();
/// Mobile carriers whose reception filters refuse an unwanted sender with a
/// user-unknown reply after DATA: the recipient's domain or the Remote-MTA's host ends
/// with one ("docomo.ne.jp"), or the host starts with one ending in '.' ("mfsmax.").
const std::vector<std::string_view>& mobileCarrierDomains();
const std::vector<CodeRule>& statusRules();
/// Status codes so specific that they win over any phrase (checked first).
const std::vector<CodeRule>& decisiveStatusRules();
const std::vector<CodeRule>& replyCodeRules();

/// Reasons whose wording overrides an X.1.1 ("bad destination mailbox") status: the
/// receiver blamed the sender, the relay, a filter, a policy or a full/moved/closed
/// mailbox, or gave up. Other wording ("inactive") with X.1.1 stays userunknown.
const std::vector<std::string_view>& reasonsOverridingUnknownMailbox();

/// Reasons whose class is Hard (the address is dead), and Block (sender or content refused).
const std::vector<std::string_view>& hardReasons();
const std::vector<std::string_view>& blockReasons();

} // namespace verpmail::bounce
