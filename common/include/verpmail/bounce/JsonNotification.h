// JsonNotification: Amazon SES event notifications mailed as JSON (directly or
// wrapped in an SNS envelope whose "Message" is the JSON as a string).
//
// Bounce events give one result per bouncedRecipients entry, Complaint events one
// per complainedRecipients entry, Delivery events "delivered" results. Read with
// Poco::JSON; anything that is not such a document returns false.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string_view>

namespace verpmail::bounce {

/// Fills r (kind, recipients, feedbackType) from a JSON notification in text.
/// A bounce's reason is set from SES's bounceType/bounceSubType where they decide it.
/// Returns false, leaving r untouched, when text holds none.
bool readJsonNotification(std::string_view text, const ParseLimits& limits, ParsedReturn& r);

} // namespace verpmail::bounce
