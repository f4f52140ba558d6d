// SuppressionReport: every address the policy suppresses now, and why.
//
// Evaluates the same decide() the sender uses over every tracker row with a
// countable event, so the report shows what the next send will do, even before
// the sender has run since the last bounce.
#pragma once

#include "verpmail/policy/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct SuppressedAddress
{
    std::string address;
    PolicyDecision decision;
    AddressHistory history;
    std::optional<std::string> lastBounce;
    std::optional<std::string> suppressedAt;  ///< when the sender first skipped it
};

std::vector<SuppressedAddress> suppressedAddresses(MysqlConnection& db, const PolicySettings& policy);

std::string suppressionTable(const std::vector<SuppressedAddress>& rows);
std::string suppressionJson(const std::vector<SuppressedAddress>& rows);

} // namespace verpmail
