// Policy: decides, per address, whether the sender mails it, and records why.
//
// The bouncer only records returns; the sender asks evaluate() at its next run and
// stores every change of state with its rule and evidence; `verpmail-admin explain`
// and `policy simulate` ask the same function. Pure logic: the caller supplies the
// address's stored state and its countable returns (BounceFact), so every rule is
// unit-tested without a database.
//
// The policy is declarative (policy.* keys, see ConfigKeys.h): an ordered list of
// rules, each matching a class and/or a reason, with a threshold, a window and an
// action. Defaults:
//   hard       class hard,      1 since the last reset          -> suppress
//   soft       class soft,      3 within 30 days                -> quarantine for
//              policy.quarantine.days (7), then one retry: another soft bounce
//              after the quarantine suppresses
//   complaint  class complaint, 1 since the last reset          -> unsubscribe (the
//              member leaves the list) and suppress
// Blocks and auto-replies never count; returns that belong to a domain incident
// (the receiver's problem) never count; IgnoreBounces = 1 overrides everything; a
// streak of policy.softResetStreak accepted messages starts the soft count afresh.
// Suppression is sticky until `verpmail-admin reset`. A suppression for a hard bounce
// or a complaint also makes the memberships inactive (members.active = 0, reason
// 'policy'), so queries over the members table see it; the reset restores them.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

enum class PolicyAction { Suppress, Quarantine, Unsubscribe };
enum class PolicyState { Active, Quarantined, Suppressed };

struct PolicyRule
{
    std::string name;                        ///< "hard", "soft", "complaint", or the operator's
    std::optional<BounceClass> matchClass;   ///< nullopt: any countable class (hard, soft, complaint)
    std::string matchReason;                 ///< "" : any reason
    unsigned threshold = 1;
    unsigned windowDays = 0;                 ///< 0: since the last reset
    PolicyAction action = PolicyAction::Suppress;
};

/// When returns at one receiving domain are the receiver's problem (a domain incident):
/// at least `members` distinct members failing with the same class and a reason about
/// the provider (not isPerMailboxReason) within windowMinutes, that many being at least
/// `share` of the members mailed at the domain in the window, reported by at least
/// reportingHosts distinct hosts. New fields go last: callers initialise it in order.
struct IncidentSettings
{
    unsigned members = 10;          ///< floor: distinct members at one domain failing alike
    unsigned windowMinutes = 60;    ///< ... within this many minutes opens an incident
    unsigned closeAfterMinutes = 1440;  ///< an incident with no new return for this long is over
    bool pauseSending = true;       ///< the sender holds back mail to a domain with an open incident
    double share = 0.2;             ///< ... failing members per member mailed at the domain in the window
    unsigned reportingHosts = 2;    ///< ... distinct hosts reporting the failures
    unsigned maxPauseMinutes = 240; ///< the sender holds mail back at most this long after an incident opens
};

/// What the returns at a domain in the window show (see IncidentSettings).
struct IncidentEvidence
{
    unsigned members = 0;  ///< distinct members failing alike
    unsigned hosts = 0;    ///< distinct reporting hosts among their returns
    unsigned mailed = 0;   ///< distinct members with an accepted send at the domain in the window
};

/// Whether the evidence opens an incident. Nobody mailed in the window (the returns
/// answer older mail) gives no share to judge by: no incident.
bool opensIncident(const IncidentSettings& settings, const IncidentEvidence& evidence);

/// The most members mailed at which `members` failing still reach the share (no
/// limit, UINT64_MAX, for a share of 0): counting the mailed can stop one past it.
std::uint64_t mostMailedForShare(const IncidentSettings& settings, unsigned members);

/// Reasons about one mailbox rather than the provider (full, over quota, unknown,
/// moved, disabled, the recipient's own filter or delivery program): many of them at a
/// large provider are a normal hour, not an outage, so they never open or join an
/// incident. The one table of them.
const std::vector<std::string_view>& perMailboxReasons();
bool isPerMailboxReason(std::string_view reason);

struct PolicySettings
{
    std::vector<PolicyRule> rules = defaultRules();
    unsigned quarantineDays = 7;
    unsigned softResetStreak = 5;   ///< 0: never reset by deliveries
    IncidentSettings incident;

    static std::vector<PolicyRule> defaultRules();

    /// The longest window any rule looks back, in days; 0 when a rule looks back to
    /// the last reset (all history).
    unsigned longestWindowDays() const;
};

/// One countable return (hard, soft or complaint, not part of an incident).
struct BounceFact
{
    std::string at;      ///< UTC "YYYY-MM-DD hh:mm:ss"
    BounceClass bounceClass = BounceClass::Soft;
    std::string reason;
    std::string status;
};

/// What is stored about an address (EmailAddressTracker).
struct AddressState
{
    bool ignoreBounces = false;
    PolicyState state = PolicyState::Active;
    std::optional<std::string> quarantineUntil;
    unsigned quarantineCount = 0;
    std::optional<std::string> countsResetAt;
    std::optional<std::string> softCountsFrom;
    std::string decisionRule;  ///< the rule behind the stored state
    std::string stateReason;   ///< its summary key ("hard-bounce", "complaint", ...)
};

enum class Verdict { Send, Suppress };

struct PolicyDecision
{
    Verdict verdict = Verdict::Send;
    PolicyState state = PolicyState::Active;  ///< the state after this decision
    bool changed = false;                     ///< state differs from the stored one: record it
    std::string action;       ///< "suppress", "quarantine", "unsubscribe", "release", "" (no change)
    std::string reason;       ///< summary key when not sending: "hard-bounce", "soft-bounce", "complaint", "quarantined", ...
    std::string rule;         ///< the rule, e.g. "soft: class soft >= 3 within 30 days -> quarantine"
    std::string explanation;  ///< one sentence for people
    std::string release;      ///< what would release it
    std::vector<BounceFact> evidence;  ///< the returns that made the rule fire
    std::optional<std::string> quarantineUntil;
    unsigned quarantineCount = 0;
};

/// Decides for one address at time `now` (UTC "YYYY-MM-DD hh:mm:ss"). `facts` may be
/// in any order and may include returns outside every window.
PolicyDecision evaluate(const PolicySettings& settings, const AddressState& state, const std::vector<BounceFact>& facts,
                        const std::string& now);

/// The soft rule: the rule named "soft", else the first whose class is soft; nullptr
/// when the policy has none. members.bounce_status turns 'soft' when it is reached.
const PolicyRule* softRule(const PolicySettings& settings);

/// Whether `rule` counts at least its threshold of `facts` at `now`, counted as
/// evaluate() counts them (its window, the last reset, a delivery streak, a served
/// quarantine).
bool thresholdReached(const PolicyRule& rule, const AddressState& state, const std::vector<BounceFact>& facts,
                      const std::string& now);

/// Whether a decision takes the address's memberships out of the lists
/// (members.active = 0): a suppression for a hard bounce or a complaint, i.e. one
/// whose evidence holds a hard bounce or a complaint.
bool deactivatesMembers(const PolicyDecision& decision);

/// "YYYY-MM-DD hh:mm:ss" of `now` plus the given signed number of seconds.
std::string shiftUtc(const std::string& now, long long seconds);
/// The current UTC time in that form.
std::string utcNow();

const char* toString(PolicyAction action);
const char* toString(PolicyState state);
std::optional<PolicyState> policyStateFrom(const std::string& text);
std::string describe(const PolicyRule& rule);

} // namespace verpmail
