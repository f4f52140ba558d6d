// ReturnCheck: `verpmail-admin check --return ADDRESS` sends a synthetic return
// through the real loop and waits until the bouncer has recorded it.
//
// The return is a delay notice (Action: delayed, Status 4.4.7) to the member's VERP
// address, as the sender issues it (VerpCodec), submitted with the sender's own SMTP
// code and smtp.* settings. A delay is recorded as type "none", so the check never
// counts against the member under the policy.
#pragma once

#include "check/CheckReport.h"

#include "verpmail/util/ExitStatus.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <string>

namespace verpmail::check {

/// Records the steps in `report`. Returns Ok when the return was recorded, DataErr
/// when ADDRESS is not a member that was ever mailed, Unavailable when the SMTP
/// server did not take the return, TempFail when it was not recorded in time.
ExitStatus checkReturn(const Poco::Util::AbstractConfiguration& config, const std::string& address,
                       unsigned timeoutSeconds, CheckReport& report);

/// The synthetic delay notice, CRLF line ends: what checkReturn() submits.
std::string syntheticReturn(const std::string& verpAddress, const std::string& member, const std::string& messageId,
                            const std::string& date);

} // namespace verpmail::check
