// PolicyRequest: one request of Postfix's policy delegation protocol
// (SMTPD_POLICY_README): "name=value" lines ended by an empty line.
//
//   PolicyRequest request;
//   switch (readPolicyRequest(channel, request)) { ... }
//   // request.attribute("recipient")
//
// Bounded: line length, attribute count and total size; whatever exceeds them, or
// is not "name=value", makes the request Malformed (never an exception).
#pragma once

#include "lmtp/LineChannel.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail {

struct PolicyRequest
{
    std::vector<std::pair<std::string, std::string>> attributes;  ///< in the order sent

    /// The value of the first attribute called `name`, "" if absent.
    std::string_view attribute(std::string_view name) const;
};

enum class PolicyRead
{
    Complete,   ///< a well-formed request ended by its empty line
    Malformed,  ///< bad or oversized: answer DUNNO and close the connection
    End,        ///< the client closed (or went idle) between or inside requests
};

PolicyRead readPolicyRequest(LineChannel& channel, PolicyRequest& request);

} // namespace verpmail
