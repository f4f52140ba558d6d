// SuppressionReport: every address the policy suppresses now, and why.
//
// Evaluates the same evaluate() the sender uses over every tracker row with a
// stored state or a countable return, so the report shows what the next send will
// do, even before the sender has run since the last bounce. Quarantined addresses
// are listed too (they are not mailed), with reason "quarantined".
#pragma once

#include "verpmail/policy/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// Counts shown beside a decision (from EmailAddressTracker, since the last reset).
struct AddressCounts
{
    bool ignoreBounces = false;
    unsigned hardBounces = 0;
    unsigned softBouncesInWindow = 0;  ///< countable soft returns the rules saw
    unsigned complaints = 0;
    unsigned blocks = 0;
};

struct SuppressedAddress
{
    std::string address;
    PolicyDecision decision;
    AddressCounts history;
    std::optional<std::string> lastBounce;
    std::optional<std::string> suppressedAt;  ///< when the sender first skipped it
};

std::vector<SuppressedAddress> suppressedAddresses(MysqlConnection& db, const PolicySettings& policy);


} // namespace verpmail
