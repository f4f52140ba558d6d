// SesEvent: the SES event an SNS notification carries (its Message), read the way
// verpmail-bouncer reads the same JSON when it comes by mail.
//
//   const std::optional<SesEvent> e = readSesEvent(m.message);   // never throws
//   if (!e) it is no SES event (a test message, another service's): nothing to record
//   for (std::size_t i = 0; i < e->parsed.recipients.size(); ++i)
//       entry.dedupKey = sesDedupKey(*e, m.message, i);
//
// The results (kind, recipients, reasons, classes) come from the parser's
// readJsonNotification and the classifier, exactly as BounceParser gives them to the
// bouncer. What only the webhook needs is read here: the event's type
// (notificationType or eventType), its SES feedback id (bounce.feedbackId,
// complaint.feedbackId), mail.messageId, and the campaign: the X-Verpmail-Campaign
// field of mail.headers[], else the SES message tag "campaign", else
// "verpmail-campaign" (the first value), else "". ReturnRecorder keeps only valid
// campaign ids.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"
#include "verpmail/util/Hmac.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail::web {

struct SesEvent
{
    enum class Type
    {
        Bounce,
        Complaint,
        Delivery,
    };
    Type type = Type::Bounce;
    ParsedReturn parsed;     ///< recipients classified as the bouncer classifies them
    std::string feedbackId;  ///< Bounce, Complaint; "" when SES gave none
    std::string messageId;   ///< mail.messageId, "" when none
    std::string campaign;    ///< see above; "" when none
};

/// The SES Bounce, Complaint or Delivery event in `message` (the SNS Message);
/// nullopt for anything else: not JSON, another event type, no recipients.
std::optional<SesEvent> readSesEvent(std::string_view message);

/// "bounce", "complaint", "delivery".
const char* sesEventName(SesEvent::Type type);

/// The dedup key of the index-th recipient of the event: ReturnRecorder::dedupKey
/// over what identifies the event at SES (its feedback id; for a Delivery the
/// message id), so that a notification delivered twice, or by two subscriptions,
/// is recorded once. Without those ids, over the message text itself.
Sha256Digest sesDedupKey(const SesEvent& event, std::string_view message, std::size_t index);

} // namespace verpmail::web
