// ArfParser: reads an RFC 5965 abuse feedback report (message/feedback-report part).
//
// The reporting provider may redact the complainer's address (Original-Rcpt-To
// missing or hashed); then `recipients` holds the To: of the returned original, if
// any, and the caller attributes the complaint through the VERP candidates.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

struct FeedbackReport
{
    std::string feedbackType;            ///< lower-case: abuse, fraud, opt-out, ...
    std::vector<std::string> recipients; ///< Original-Rcpt-To / Removal-Recipient addresses
    std::string originalMailFrom;        ///< normalised, or ""
    std::string originalEnvelopeId;
};

/// Parses the fields of a message/feedback-report body.
FeedbackReport parseFeedbackReport(std::string_view text, const ParseLimits& limits);

} // namespace verpmail::bounce
