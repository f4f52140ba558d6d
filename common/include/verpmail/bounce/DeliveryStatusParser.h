// DeliveryStatusParser: reads the fields of a message/delivery-status body
// (RFC 3464) or message/global-delivery-status body (RFC 6533, UTF-8 allowed).
//
//   DeliveryStatus ds = parseDeliveryStatus(part.body, limits);
//   for (const DsnRecipient& r : ds.recipients) use(r.finalRecipient, r.status);
//
// The per-message group comes first, then one group per recipient. Real DSNs
// often omit the blank lines between groups or repeat fields, so a new recipient
// also starts where a second Final-Recipient / Original-Recipient appears.
// Unknown fields are ignored; nothing throws.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

struct DsnRecipient
{
    std::string finalRecipient;     ///< normalised address, or the first address in the field, or ""
    std::string originalRecipient;  ///< normalised address, or ""
    std::string action;             ///< lower-case
    std::string status;             ///< "c.s.d" or ""
    std::string diagnosticCode;     ///< without the "smtp;" type, collapsed
    std::string diagnosticType;     ///< "smtp", "x-unix", ... lower-case, or ""
    std::string remoteMta;          ///< without the "dns;" type
};

struct DeliveryStatus
{
    std::string originalEnvelopeId;
    std::vector<DsnRecipient> recipients;
};

DeliveryStatus parseDeliveryStatus(std::string_view text, const ParseLimits& limits);

/// True when text holds DSN recipient fields (Final-Recipient / Original-Recipient
/// with Action or Status), e.g. a DSN pasted into a text/plain part.
bool looksLikeDeliveryStatus(std::string_view text);

} // namespace verpmail::bounce
