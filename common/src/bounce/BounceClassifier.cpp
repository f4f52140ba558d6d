// BounceClassifier: applies the ClassifierRules tables. The diagnostic text is the
// strongest evidence (a "550 5.1.1 ... mailbox full" is a full mailbox), then the
// enhanced status code, then the bare reply code.
#include "verpmail/bounce/BounceClassifier.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/ClassifierRules.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <algorithm>

namespace verpmail {

namespace {

using bounce::CodeRule;

bool isNonFailureAction(std::string_view action)
{
    return action == "delivered" || action == "relayed" || action == "expanded";
}

// Whether a rule's code matches a code: whole, or as a prefix when it ends in '.'.
bool codeMatches(std::string_view ruleCode, std::string_view code)
{
    if (ruleCode.empty())
        return false;
    if (ruleCode.back() == '.')
        return code.substr(0, ruleCode.size()) == ruleCode;
    return code == ruleCode;
}

// The reason of the first rule (in table order) that matches code, or "".
std::string_view lookupCode(const std::vector<CodeRule>& rules, std::string_view code)
{
    for (const CodeRule& rule : rules)
        if (codeMatches(rule.code, code))
            return rule.reason;
    return {};
}

// The phrase table compiled once: each rule's text up to its '*' (or all of it) in
// one PhraseSet, so a diagnostic is read once instead of once per rule.
class CompiledPhrases
{
public:
    CompiledPhrases() : _heads(headsOf(bounce::phraseRules())) {}

    // The reason of the first rule (in table order) whose phrase occurs in text and
    // whose status condition the status meets. text: space-collapsed, in any case.
    std::string_view lookup(std::string_view text, std::string_view status) const
    {
        const auto& rules = bounce::phraseRules();
        std::size_t best = bounce::PhraseSet::npos;
        _heads.forEach(text, [&](std::size_t pos, std::size_t index) {
            const bounce::PhraseRule& rule = rules[index];
            if (index < best && status.substr(0, rule.statusPrefix.size()) == rule.statusPrefix &&
                tailMatches(text, pos, rule.phrase))
                best = index;
            return best != 0;
        });
        return best == bounce::PhraseSet::npos ? std::string_view() : rules[best].reason;
    }

private:
    static std::vector<std::string_view> headsOf(const std::vector<bounce::PhraseRule>& rules)
    {
        std::vector<std::string_view> heads;
        heads.reserve(rules.size());
        for (const auto& rule : rules)
            heads.push_back(rule.phrase.substr(0, rule.phrase.find('*')));
        return heads;
    }

    // After the head at pos: nothing more, or (for "host * not found") exactly one
    // word, then the rest of the phrase.
    static bool tailMatches(std::string_view text, std::size_t pos, std::string_view phrase)
    {
        const std::size_t star = phrase.find('*');
        if (star == std::string_view::npos)
            return true;
        const std::string_view tail = phrase.substr(star + 1);
        std::size_t cursor = pos + star;
        const std::size_t wordStart = cursor;
        while (cursor < text.size() && text[cursor] != ' ')
            ++cursor;
        return cursor > wordStart && bounce::istartsWith(text.substr(cursor), tail);
    }

    bounce::PhraseSet _heads;
};

std::string_view lookupPhrase(std::string_view diagnostic, std::string_view status)
{
    if (diagnostic.empty())
        return {};
    static const CompiledPhrases phrases;
    constexpr std::size_t kMaxBytesRead = 4000;
    // The parsers store most diagnostics collapsed already, and the phrases are
    // matched ignoring case: such a text is read where it is, not copied again.
    const std::string_view head = diagnostic.substr(0, kMaxBytesRead);
    if (bounce::isCollapsed(head))
        return phrases.lookup(head, status);
    return phrases.lookup(bounce::collapseSpace(diagnostic, kMaxBytesRead), status);
}

bool contains(const std::vector<std::string_view>& list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// NAME (a host, or an address) is DOMAIN or is under it.
bool inDomain(std::string_view name, std::string_view domain)
{
    const std::size_t before = name.size() - domain.size();
    return endsWith(name, domain) && (before == 0 || name[before - 1] == '.' || name[before - 1] == '@');
}

bool atMobileCarrier(const RecipientResult& result)
{
    const std::string address = bounce::toLower(result.address), host = bounce::toLower(result.remoteMta);
    for (const std::string_view carrier : bounce::mobileCarrierDomains())
    {
        if (carrier.back() == '.' ? host.rfind(carrier, 0) == 0
                                  : inDomain(address, carrier) || inDomain(host, carrier))
            return true;
    }
    return false;
}

// A DNS answer that settles whether the domain takes mail (RFC 8020's NXDOMAIN, an
// RFC 7505 null MX), as opposed to a lookup that failed and may succeed later
// ("try again", a timeout, SERVFAIL). Gmail reports either with a 4.0.0 status.
bool settledByDns(std::string_view diagnostic)
{
    static const bounce::PhraseSet answers({"nxdomain", "null mx", "rfc 7505", "rfc7505"});
    return answers.findAny(diagnostic) && !bounce::icontains(diagnostic, "try again");
}

} // namespace

BounceClass classOfReason(std::string_view reason, std::string_view status)
{
    if (reason == "feedback")
        return BounceClass::Complaint;
    if (reason == "vacation")
        return BounceClass::AutoReply;
    if (reason == "delivered" || reason.empty())
        return BounceClass::None;
    if (contains(bounce::hardReasons(), reason))
    {
        // A 4xx "does not accept mail" is a temporary refusal, not a dead address.
        if (reason == "notaccept" && !status.empty() && status[0] == '4')
            return BounceClass::Soft;
        return BounceClass::Hard;
    }
    if (contains(bounce::blockReasons(), reason))
        return BounceClass::Block;
    return BounceClass::Soft;
}

Classification classify(ReturnKind kind, const RecipientResult& result)
{
    if (kind == ReturnKind::Complaint)
        return {"feedback", BounceClass::Complaint};
    if (kind == ReturnKind::AutoReply)
        return {"vacation", BounceClass::AutoReply};
    if (isNonFailureAction(result.action) || (result.action.empty() && !result.status.empty() && result.status[0] == '2'))
        return {"delivered", BounceClass::None};

    std::string_view reason = lookupCode(bounce::decisiveStatusRules(), result.status);
    // (Looked up below whenever reason is still empty after it.)
    std::string_view byStatus;
    if (reason.empty())
    {
        reason = lookupPhrase(result.diagnostic, result.status);
        // A "bad mailbox" status (X.1.1) is specific: the wording beats it only where
        // it names another party's fault or a mailbox that exists (ClassifierRules).
        byStatus = lookupCode(bounce::statusRules(), result.status);
        if (!reason.empty() && byStatus == "userunknown" && result.status.size() == 5 &&
            result.status.compare(1, 4, ".1.1") == 0 && !contains(bounce::reasonsOverridingUnknownMailbox(), reason))
            reason = byStatus;
    }
    // x.0.0 says nothing specific; other codes beat a weak phrase-less guess.
    if (reason.empty())
        reason = byStatus;
    if (reason.empty())
        reason = lookupCode(bounce::replyCodeRules(), result.replyCode);
    // Google Groups refuses in the poster's language and with no code ("group may not
    // exist, or you may not have permission to post"): its domain names the reason.
    if (reason.empty() && inDomain(bounce::toLower(result.address), "googlegroups.com"))
        reason = "rejected";
    if (reason.empty())
    {
        if (result.action == "delayed" || (!result.status.empty() && result.status[0] == '4'))
            reason = "expired";
        else
            // The reference vocabulary: "onhold" when there is text but it decides
            // nothing, "undefined" when there is nothing to read.
            reason = bounce::trim(result.diagnostic).empty() ? "undefined" : "onhold";
    }
    // A local delivery agent (procmail, a pipe) failed, whatever it printed.
    // Only a full mailbox is told apart: it says nothing about the program.
    if (result.diagnosticType == "x-unix" && reason != "mailboxfull")
        reason = "mailererror";
    // A temporary error that the queue gave up on (or is still retrying) means the
    // message expired, unless the connection was merely lost; a temporary DNS
    // failure says nothing about the domain.
    const bool temporary = result.action == "delayed" || (!result.status.empty() && result.status[0] == '4');
    if (temporary && (reason == "undefined" || reason == "onhold" || (reason == "networkerror" &&
                                                 !bounce::icontains(result.diagnostic, "lost connection"))))
        reason = "expired";
    // A final failure with a 4.x.x status is judged by its words: a DNS answer that
    // the domain does not exist or takes no mail is as final as a 5.x.x one.
    const bool settled = result.action == "failed" && settledByDns(result.diagnostic);
    if (temporary && reason == "hostunknown" && !settled)
        reason = "networkerror";
    const std::string command = result.smtpCommand.empty() && !result.smtpCommandSettled
                                    ? bounce::findSmtpCommand(result.diagnostic)
                                    : result.smtpCommand;
    for (const auto& rule : bounce::stageRules())
        if (rule.command == command && contains(rule.fromReasons, reason) &&
            (rule.unlessStatus.empty() || rule.unlessStatus != result.status) &&
            (!rule.mobileCarrierOnly || atMobileCarrier(result)))
        {
            reason = rule.toReason;
            break;
        }
    // Delayed is a progress report: nothing has failed yet, whatever the text says.
    if (result.action == "delayed")
        return {std::string(reason), BounceClass::None};
    // A suspension is dead only where its own words say it is for good.
    if (reason == "suspend" && !temporary &&
        (bounce::icontains(result.diagnostic, "permanently") || bounce::icontains(result.diagnostic, "discontinued")))
        return {std::string(reason), BounceClass::Hard};
    if (reason == "notaccept" && settled)
        return {std::string(reason), BounceClass::Hard};
    return {std::string(reason), classOfReason(reason, result.status)};
}

} // namespace verpmail
