#include "verpmail/policy/Policy.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timespan.h>

#include <algorithm>

namespace verpmail {
namespace {

constexpr const char* kFormat = "%Y-%m-%d %H:%M:%S";

bool matches(const PolicyRule& rule, const BounceFact& fact)
{
    if (rule.matchClass && *rule.matchClass != fact.bounceClass)
        return false;
    return rule.matchReason.empty() || rule.matchReason == fact.reason;
}

std::string latest(const std::optional<std::string>& a, const std::optional<std::string>& b)
{
    return std::max(a.value_or(""), b.value_or(""));
}

std::string plural(std::size_t n, const char* what)
{
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// The facts a rule counts at `now`, in the order given.
std::vector<BounceFact> ruleHits(const PolicyRule& rule, const AddressState& state, const std::vector<BounceFact>& facts,
                                 const std::string& now)
{
    // The window starts at the latest of: the rule's window, the last reset, and
    // (for soft returns) the start of the count after a delivery streak.
    std::string from = latest(state.countsResetAt, std::nullopt);
    if (rule.windowDays > 0)
        from = std::max(from, shiftUtc(now, -static_cast<long long>(rule.windowDays) * 86400));
    std::vector<BounceFact> hits;
    for (const BounceFact& f : facts) {
        if (!matches(rule, f) || f.at < from)
            continue;
        if (f.bounceClass == BounceClass::Soft && state.softCountsFrom && f.at < *state.softCountsFrom)
            continue;
        // A quarantine already served does not count the same returns twice.
        if (state.quarantineCount > 0 && state.quarantineUntil && rule.action == PolicyAction::Quarantine &&
            f.at <= *state.quarantineUntil)
            continue;
        hits.push_back(f);
    }
    return hits;
}

} // namespace

const std::vector<std::string_view>& perMailboxReasons()
{
    // From the classifier's vocabulary (common/src/bounce/ClassifierRules.cpp) and
    // ../shared/research/bounce-verdicts.md: each says something about one mailbox.
    // Provider-wide reasons (systemerror, systemfull, networkerror, expired,
    // toomanyconn, speeding, blocked, spamdetected, policyviolation, ...) can open one.
    static const std::vector<std::string_view> reasons = {
        "mailboxfull",  // full, over quota
        "exceedlimit",  // the message exceeds this recipient's size limit (5.2.3)
        "userunknown",  // no such user or mailbox
        "hasmoved",     // the mailbox moved
        "suspend",      // this account disabled or locked
        "filtered",     // this recipient's filter or preferences
        "mailererror",  // this mailbox's delivery program (procmail, a pipe) failed
        "suppressed",   // the provider suppresses this one recipient
        "vacation",     // this recipient is away
    };
    return reasons;
}

bool isPerMailboxReason(std::string_view reason)
{
    const auto& reasons = perMailboxReasons();
    return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

bool opensIncident(const IncidentSettings& settings, const IncidentEvidence& evidence)
{
    if (evidence.members < settings.members || evidence.hosts < settings.reportingHosts || evidence.mailed == 0)
        return false;
    return evidence.mailed <= mostMailedForShare(settings, evidence.members);
}

std::uint64_t mostMailedForShare(const IncidentSettings& settings, unsigned members)
{
    // members >= share * mailed, in integers of a millionth so that 0.2 of 50 is 10.
    const auto millionths = static_cast<std::uint64_t>(settings.share * 1e6 + 0.5);
    if (millionths == 0)
        return UINT64_MAX;
    return static_cast<std::uint64_t>(members) * 1000000ULL / millionths;
}

const PolicyRule* softRule(const PolicySettings& settings)
{
    for (const PolicyRule& r : settings.rules)
        if (r.name == "soft")
            return &r;
    for (const PolicyRule& r : settings.rules)
        if (r.matchClass == BounceClass::Soft)
            return &r;
    return nullptr;
}

bool thresholdReached(const PolicyRule& rule, const AddressState& state, const std::vector<BounceFact>& facts,
                      const std::string& now)
{
    return ruleHits(rule, state, facts, now).size() >= rule.threshold;
}

bool deactivatesMembers(const PolicyDecision& decision)
{
    if (!decision.changed || decision.state != PolicyState::Suppressed)
        return false;
    for (const BounceFact& f : decision.evidence)
        if (f.bounceClass == BounceClass::Hard || f.bounceClass == BounceClass::Complaint)
            return true;
    return false;
}

std::vector<PolicyRule> PolicySettings::defaultRules()
{
    return {
        {"hard", BounceClass::Hard, "", 1, 0, PolicyAction::Suppress},
        {"soft", BounceClass::Soft, "", 3, 30, PolicyAction::Quarantine},
        {"complaint", BounceClass::Complaint, "", 1, 0, PolicyAction::Unsubscribe},
    };
}

unsigned PolicySettings::longestWindowDays() const
{
    unsigned longest = 1;
    for (const PolicyRule& r : rules) {
        if (r.windowDays == 0)
            return 0;
        longest = std::max(longest, r.windowDays);
    }
    return longest;
}

const char* toString(PolicyAction action)
{
    switch (action) {
    case PolicyAction::Suppress: return "suppress";
    case PolicyAction::Quarantine: return "quarantine";
    case PolicyAction::Unsubscribe: return "unsubscribe";
    }
    return "suppress";
}

const char* toString(PolicyState state)
{
    switch (state) {
    case PolicyState::Active: return "active";
    case PolicyState::Quarantined: return "quarantined";
    case PolicyState::Suppressed: return "suppressed";
    }
    return "active";
}

std::optional<PolicyState> policyStateFrom(const std::string& text)
{
    if (text == "active")
        return PolicyState::Active;
    if (text == "quarantined")
        return PolicyState::Quarantined;
    if (text == "suppressed")
        return PolicyState::Suppressed;
    return std::nullopt;
}

std::string describe(const PolicyRule& rule)
{
    std::string match = rule.matchClass ? std::string("class ") + toString(*rule.matchClass) : "any class";
    if (!rule.matchReason.empty())
        match += " reason " + rule.matchReason;
    return rule.name + ": " + match + " >= " + std::to_string(rule.threshold) +
           (rule.windowDays ? " within " + std::to_string(rule.windowDays) + " days" : " since the last reset") + " -> " +
           toString(rule.action);
}

std::string shiftUtc(const std::string& now, long long seconds)
{
    int tz = 0;
    Poco::DateTime t = Poco::DateTimeParser::parse(kFormat, now, tz);
    t += Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(seconds) * Poco::Timespan::SECONDS);
    return Poco::DateTimeFormatter::format(t, kFormat);
}

std::string utcNow()
{
    return Poco::DateTimeFormatter::format(Poco::DateTime(), kFormat);
}

PolicyDecision evaluate(const PolicySettings& settings, const AddressState& state, const std::vector<BounceFact>& facts,
                        const std::string& now)
{
    PolicyDecision d;
    d.state = state.state;
    d.quarantineUntil = state.quarantineUntil;
    d.quarantineCount = state.quarantineCount;

    if (state.ignoreBounces) {
        d.rule = "IgnoreBounces = 1";
        d.explanation = "IgnoreBounces is set: returns are recorded but never stop mail to this address";
        d.changed = state.state != PolicyState::Active;
        d.state = PolicyState::Active;
        d.action = d.changed ? "release" : "";
        return d;
    }

    if (state.state == PolicyState::Suppressed) {
        d.verdict = Verdict::Suppress;
        d.reason = state.stateReason.empty() ? "suppressed" : state.stateReason;
        d.rule = state.decisionRule.empty() ? "suppressed" : state.decisionRule;
        d.explanation = "suppressed earlier by rule \"" + d.rule + "\"; suppression stays until a reset";
        d.release = "verpmail-admin reset ADDRESS (or verpmail-admin ignore ADDRESS on)";
        return d;
    }

    const bool inQuarantine = state.state == PolicyState::Quarantined && state.quarantineUntil && now < *state.quarantineUntil;
    if (inQuarantine) {
        d.verdict = Verdict::Suppress;
        d.reason = "quarantined";
        d.rule = state.decisionRule.empty() ? "quarantine" : state.decisionRule;
        d.explanation = "quarantined until " + *state.quarantineUntil + " (UTC); then mailed once more";
        d.release = "automatic at " + *state.quarantineUntil + " (UTC); or verpmail-admin reset ADDRESS";
        return d;
    }

    // After a quarantine ran out, the address gets one retry: a soft bounce that
    // arrives after the quarantine's end suppresses it.
    if (state.quarantineCount > 0 && state.quarantineUntil) {
        std::vector<BounceFact> after;
        for (const BounceFact& f : facts)
            if (f.bounceClass == BounceClass::Soft && f.at > *state.quarantineUntil &&
                f.at >= state.countsResetAt.value_or(""))
                after.push_back(f);
        if (!after.empty()) {
            d.verdict = Verdict::Suppress;
            d.state = PolicyState::Suppressed;
            d.changed = true;
            d.action = "suppress";
            d.reason = "soft-bounce";
            d.rule = "soft bounce after quarantine -> suppress";
            d.explanation = "soft-bounced again (" + after.front().at + ") after the quarantine that ended " +
                            *state.quarantineUntil;
            d.release = "verpmail-admin reset ADDRESS";
            d.evidence = after;
            return d;
        }
    }

    for (const PolicyRule& rule : settings.rules) {
        std::vector<BounceFact> hits = ruleHits(rule, state, facts, now);
        if (hits.size() < rule.threshold)
            continue;

        std::sort(hits.begin(), hits.end(), [](const BounceFact& a, const BounceFact& b) { return a.at > b.at; });
        d.verdict = Verdict::Suppress;
        d.changed = true;
        d.rule = describe(rule);
        d.evidence = hits;
        const std::string counted = plural(hits.size(), (rule.matchClass ? std::string(toString(*rule.matchClass)) + " return" : std::string("return")).c_str());
        d.reason = rule.matchClass == BounceClass::Hard        ? "hard-bounce"
                   : rule.matchClass == BounceClass::Complaint ? "complaint"
                   : rule.matchClass == BounceClass::Soft      ? "soft-bounce"
                                                               : rule.name;
        switch (rule.action) {
        case PolicyAction::Quarantine:
            d.state = PolicyState::Quarantined;
            d.action = "quarantine";
            d.quarantineUntil = shiftUtc(now, static_cast<long long>(settings.quarantineDays) * 86400);
            d.quarantineCount = state.quarantineCount + 1;
            d.reason = "quarantined";
            d.explanation = counted + " (threshold " + std::to_string(rule.threshold) + "): quarantined until " +
                            *d.quarantineUntil + " (UTC), then mailed once more";
            d.release = "automatic at " + *d.quarantineUntil + " (UTC); or verpmail-admin reset ADDRESS";
            break;
        case PolicyAction::Unsubscribe:
            d.state = PolicyState::Suppressed;
            d.action = "unsubscribe";
            d.explanation = counted + " (threshold " + std::to_string(rule.threshold) +
                            "): the member leaves the list and the address is suppressed";
            d.release = "verpmail-admin reset ADDRESS, then verpmail-admin resubscribe LIST ADDRESS";
            break;
        case PolicyAction::Suppress:
            d.state = PolicyState::Suppressed;
            d.action = "suppress";
            d.explanation = counted + " (threshold " + std::to_string(rule.threshold) + ")";
            d.release = "verpmail-admin reset ADDRESS (or verpmail-admin ignore ADDRESS on)";
            break;
        }
        return d;
    }

    // Nothing fired. A quarantine that has run out is released for its one retry.
    if (state.state == PolicyState::Quarantined) {
        d.changed = true;
        d.state = PolicyState::Active;
        d.action = "release";
        d.rule = "quarantine ended";
        d.explanation = "the quarantine ended " + state.quarantineUntil.value_or("") +
                        ": mailed once more; another soft bounce suppresses";
        return d;
    }
    std::size_t countable = 0;
    for (const BounceFact& f : facts)
        if (f.at >= state.countsResetAt.value_or(""))
            ++countable;
    d.explanation = "no rule fired (" + plural(countable, "countable return") + " since the last reset)";
    return d;
}

} // namespace verpmail
