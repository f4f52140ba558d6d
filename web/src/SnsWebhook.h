// SnsWebhook: POST /webhooks/sns, Amazon SNS deliveries of SES events.
//
//   SnsWebhook webhook(settings.sns, certificates, fetcher, ledger, log);
//   WebAnswer answer = webhook.handle(request);   // WebHandlers calls it for a POST
//
// The checks, cheapest first; a message that fails one is refused and nothing is
// stored or fetched after it:
//   413 body over web.sns.maxBodyBytes; 400 body incomplete, or not a JSON object;
//   403 an unknown Type or a member missing (SnsMessage.h), an
//       x-amz-sns-message-type header that names another Type, a TopicArn not in
//       web.sns.topicArns, a SignatureVersion other than 1 or 2, a SigningCertURL
//       that may not be fetched (SnsUrls.h), a certificate that cannot be fetched
//       from a verified server, is not PEM or not valid now, a signature that does
//       not verify (SnsSignature.h).
// Then, by Type:
//   SubscriptionConfirmation: 403 when SubscribeURL may not be fetched (the same
//       rules, any path); else GET it (HttpsFetcher): 200 once SNS answered 200 (log
//       action=sns-subscribe status=confirmed), 502 when the GET failed, so that SNS
//       sends the confirmation again.
//   UnsubscribeConfirmation: 200, nothing done (the subscription is gone at SNS).
//   Notification: the Message is read as an SES event (SesEvent.h). A Bounce or
//       Complaint is recorded with ReturnRecorder, one row per recipient result, as
//       the bouncer records the same JSON by mail: the member is the recipient's
//       normalised address when the tracker has a row for it (its EncodedFROM with
//       it), else the row is unattributed; the dedup key is the SES feedback id and
//       the recipient's index (a repeated delivery is a Duplicate, still 200); the
//       envelope recipient is the TopicArn; the raw text is the Message (at most
//       kMaxStoredBytes). A Delivery, and anything that is no SES event (SES's
//       own test message on a new topic), is acknowledged and nothing recorded:
//       delivered results update no counter and the policy reads none of them.
//       200 once every row is committed; 503 with Retry-After while the database
//       cannot answer (rows committed before are Duplicates on the next delivery);
//       422 when the database refuses a row even emptied (UnrecordableReturn).
// Errors are JSON ({"error":...,"status":N}). Not rate-limited per client: SNS
// delivers from many addresses; web.threads and web.queue bound the work.
//
// Log lines (key=value, text from the request through printable(), bounded):
//   web: action=sns type=Notification topic=T message_id=I kind=bounce recorded=N duplicate=M
//        unattributed=U degraded=D client=A                                (information)
//   web: action=sns-return topic=T message_id=I member=<E> kind=K class=C reason=R dsn=S
//        campaign=X status=recorded|duplicate|unattributed|degraded        (information, per row)
//   web: action=sns-subscribe topic=T message_id=I status=confirmed client=A   (notice)
//   web: action=sns status=N reason=R type=T topic=T message_id=I detail="..." client=A
//        each refusal (information; warning for a certificate that cannot be had and a
//        confirmation that failed; the database failing at warning, error when an
//        operator must act)
#pragma once

#include "HttpsFetcher.h"
#include "ReturnLedger.h"
#include "SigningCertificates.h"
#include "SnsMessage.h"
#include "SnsUrls.h"
#include "WebExchange.h"
#include "WebSettings.h"

#include <Poco/Logger.h>

#include <string>
#include <vector>

namespace verpmail::web {

class SnsWebhook
{
public:
    /// Bytes of an SNS Message stored with each row at most.
    static constexpr std::size_t kMaxStoredBytes = 256 * 1024;
    /// Bytes of a SubscribeURL answer read at most (it is thrown away).
    static constexpr std::size_t kMaxConfirmationBytes = 64 * 1024;
    /// Seconds SNS is asked to wait when the database is unavailable.
    static constexpr unsigned kRetryAfterUnavailable = 30;

    /// Everything it is given must outlive it. @throws Poco::Exception for a bad
    /// settings.certHostPattern (WebSettings checked it already).
    SnsWebhook(const SnsSettings& settings, SigningCertificates& certificates, HttpsFetcher& fetcher,
               ReturnLedger& ledger, Poco::Logger& log);

    /// Answers a POST to /webhooks/sns. @throws only what an unexpected failure
    /// throws (WebHandlers turns it into 500).
    WebAnswer handle(const WebRequest& request);

private:
    /// The checks every Type shares; nullopt when the message may be acted on.
    std::optional<WebAnswer> verify(const SnsMessage& message, const WebRequest& request);
    WebAnswer confirm(const SnsMessage& message, const WebRequest& request);
    WebAnswer notification(const SnsMessage& message, const WebRequest& request);
    WebAnswer refuse(const WebRequest& request, const SnsMessage* message, int status, const char* reason,
                     const std::string& detail, bool warn = false);

    const std::vector<std::string> _topics;
    const HostPattern _hosts;
    SigningCertificates& _certificates;
    HttpsFetcher& _fetcher;
    ReturnLedger& _ledger;
    Poco::Logger& _log;
};

} // namespace verpmail::web
