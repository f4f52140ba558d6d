// Attribution: finds the list member a return belongs to.
//
// In order: the envelope recipient Postfix called us with (its local part looked up
// as EncodedFROM, case-insensitively; then read as a plain VERP address); then the
// VERP addresses found inside the returned original (ARF reports often redact the
// recipient, and mailbox intake loses the envelope). The first that names an
// address wins. Nothing found is not an error: the return is stored unattributed.
#pragma once

#include "verpmail/store/TrackerStore.h"
#include "verpmail/verp/VerpCodec.h"

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

struct Attribution
{
    std::optional<std::string> email;  ///< normalised member address
    std::string encodedFrom;           ///< the VERP local part that named it
    std::string via;                   ///< "encodedfrom", "plain", "original" — for the log
    std::string problem;               ///< why nothing matched, when email is empty
};

/// Whether `recipient` names a VERP address we issued: the tracker knows its local
/// part, or, in plain mode only, it decodes to an address. `why` says why not.
/// @throws MysqlError
bool isOurs(const VerpCodec& codec, TrackerStore& tracker, const std::string& recipient, std::string& why);

Attribution attribute(const VerpCodec& codec, TrackerStore& tracker, const std::string& envelopeRecipient,
                      const std::vector<std::string>& candidates);

} // namespace verpmail
