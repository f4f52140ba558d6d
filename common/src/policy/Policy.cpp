#include "verpmail/policy/Policy.h"

namespace verpmail {
namespace {

PolicyDecision suppress(std::string reason, std::string rule, std::string explanation)
{
    return {Verdict::Suppress, std::move(reason), std::move(rule), std::move(explanation)};
}

std::string count(unsigned n, const char* what)
{
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

} // namespace

PolicyDecision decide(const PolicySettings& settings, const AddressHistory& history)
{
    if (history.ignoreBounces)
        return {Verdict::Send, "", "IgnoreBounces = 1",
                "IgnoreBounces is set for this address: bounces are recorded but never suppress it"};

    if (history.complaints >= settings.complaintThreshold)
        return suppress("complaint", "policy.complaint.threshold = " + std::to_string(settings.complaintThreshold),
                        count(history.complaints, "complaint") + " recorded, threshold " +
                            std::to_string(settings.complaintThreshold));

    if (history.hardBounces >= settings.hardThreshold)
        return suppress("hard-bounce", "policy.hard.threshold = " + std::to_string(settings.hardThreshold),
                        count(history.hardBounces, "hard bounce") + " (the address does not exist), threshold " +
                            std::to_string(settings.hardThreshold));

    if (history.softBouncesInWindow >= settings.softThreshold)
        return suppress("soft-bounce",
                        "policy.soft.threshold = " + std::to_string(settings.softThreshold) +
                            " within policy.soft.windowDays = " + std::to_string(settings.softWindowDays),
                        count(history.softBouncesInWindow, "soft bounce") + " within the last " +
                            std::to_string(settings.softWindowDays) + " days, threshold " +
                            std::to_string(settings.softThreshold));

    std::string why = "below every threshold (" + count(history.hardBounces, "hard bounce") + ", " +
                      count(history.softBouncesInWindow, "soft bounce") + " in window, " +
                      count(history.complaints, "complaint") + ")";
    if (history.blocks > 0)
        why += "; " + count(history.blocks, "block") + " not counted: blocks are the receiver refusing the sender";
    return {Verdict::Send, "", "", why};
}

} // namespace verpmail
