// Policy: decides, per address, whether the sender mails it.
//
// The bouncer only records; the sender asks this at its next run, and
// `verpmail-admin explain` asks it to say why. Pure logic: the caller supplies the
// address's history (counts from EmailAddressTracker and the soft bounces inside
// the window from bounce_logs), so the rules are unit-tested without a database.
//
// Rules, in order:
//   1. IgnoreBounces = 1 overrides everything: always send.
//   2. complaints >= policy.complaint.threshold (default 1): suppress.
//   3. hard bounces >= policy.hard.threshold (default 1): suppress.
//   4. soft bounces within policy.soft.windowDays (default 30) >= policy.soft.threshold
//      (default 3): suppress.
//   Blocks (the receiver refused us, not the address) and auto-replies never count.
#pragma once

#include <string>

namespace verpmail {

struct PolicySettings
{
    unsigned hardThreshold = 1;
    unsigned softThreshold = 3;
    unsigned softWindowDays = 30;
    unsigned complaintThreshold = 1;
};

/// What the policy needs to know about one address; counts start at the last reset.
struct AddressHistory
{
    bool ignoreBounces = false;
    unsigned hardBounces = 0;
    unsigned softBouncesInWindow = 0;
    unsigned complaints = 0;
    unsigned blocks = 0;  ///< shown in explanations only; never counts
};

enum class Verdict { Send, Suppress };

struct PolicyDecision
{
    Verdict verdict = Verdict::Send;
    std::string reason;       ///< "hard-bounce", "soft-bounce", "complaint"; "" when sending
    std::string rule;         ///< the rule that decided, e.g. "policy.hard.threshold = 1"
    std::string explanation;  ///< one sentence for people
};

PolicyDecision decide(const PolicySettings& settings, const AddressHistory& history);

} // namespace verpmail
