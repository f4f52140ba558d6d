#include "SnsWebhook.h"

#include "SesEvent.h"
#include "SnsSignature.h"

#include "verpmail/mail/EmailAddress.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <Poco/Timestamp.h>

#include <algorithm>

namespace verpmail::web {
namespace {

constexpr std::size_t kMaxTopic = 256;
constexpr std::size_t kMaxMessageId = 100;

const char* messageFor(int status)
{
    switch (status) {
    case 400: return "malformed SNS message";
    case 403: return "forbidden";
    case 413: return "request body too large";
    case 422: return "the notification cannot be stored";
    case 502: return "the subscription could not be confirmed, try again later";
    case 503: return "database unavailable, try again later";
    default: break;
    }
    return "error";
}

WebAnswer okAnswer(unsigned recorded = 0, unsigned duplicate = 0)
{
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("status").value("ok").key("recorded").value(recorded);
    json.key("duplicate").value(duplicate).endObject();
    return answer;
}

std::string orDash(const std::string& text, std::size_t max)
{
    return text.empty() ? std::string("-") : printable(text, max);
}

} // namespace

SnsWebhook::SnsWebhook(const SnsSettings& settings, SigningCertificates& certificates, HttpsFetcher& fetcher,
                       ReturnLedger& ledger, Poco::Logger& log)
    : _topics(settings.topicArns), _hosts(settings.certHostPattern), _certificates(certificates), _fetcher(fetcher),
      _ledger(ledger), _log(log)
{
}

WebAnswer SnsWebhook::handle(const WebRequest& request)
{
    if (request.body.status == RequestBody::Status::TooLarge)
        return refuse(request, nullptr, 413, "body-too-large", "");
    if (request.body.status == RequestBody::Status::Incomplete)
        return refuse(request, nullptr, 400, "body-incomplete", "");
    SnsProblem problem = SnsProblem::None;
    std::string why;
    const std::optional<SnsMessage> message = parseSnsMessage(request.body.bytes, problem, why);
    if (!message)
        return refuse(request, nullptr, problem == SnsProblem::MalformedJson ? 400 : 403,
                      problem == SnsProblem::MalformedJson ? "malformed-json" : "invalid-message", why);
    if (std::optional<WebAnswer> refused = verify(*message, request))
        return std::move(*refused);

    switch (message->type) {
    case SnsMessage::Type::SubscriptionConfirmation: return confirm(*message, request);
    case SnsMessage::Type::Notification: return notification(*message, request);
    case SnsMessage::Type::UnsubscribeConfirmation: break;
    }
    _log.notice("web: action=sns-unsubscribe topic=%s message_id=%s status=ignored client=%s",
                printable(message->topicArn, kMaxTopic), printable(message->messageId, kMaxMessageId),
                request.client);
    return okAnswer();
}

std::optional<WebAnswer> SnsWebhook::verify(const SnsMessage& message, const WebRequest& request)
{
    // SNS names the type in a header too; a body of another type is no delivery of its.
    if (!request.snsMessageType.empty() && request.snsMessageType != message.typeName)
        return refuse(request, &message, 403, "type-mismatch",
                      "x-amz-sns-message-type: " + printable(request.snsMessageType, 40));
    // The topic first: a foreign topic costs no certificate fetch.
    if (std::find(_topics.begin(), _topics.end(), message.topicArn) == _topics.end())
        return refuse(request, &message, 403, "topic-not-allowed", "");
    if (!supportedSignatureVersion(message.signatureVersion))
        return refuse(request, &message, 403, "unsupported-signature-version",
                      "SignatureVersion " + printable(message.signatureVersion, 20));
    std::string problem;
    const std::optional<Poco::URI> url =
        checkSnsUrl(message.signingCertUrl, _hosts, UrlUse::SigningCertificate, problem);
    if (!url)
        return refuse(request, &message, 403, "bad-cert-url",
                      problem + ": " + printable(message.signingCertUrl, 200));
    bool notFetched = false;
    const SigningCertificates::Certificate certificate =
        _certificates.get(*url, SigningCertificates::Clock::now(), problem, &notFetched);
    // Not fetched (the network, the certificate's server): a retry can cure that, and
    // SNS takes any 4xx as delivered, so 503. A certificate that is no certificate is
    // refused like a bad signature.
    if (!certificate && notFetched)
        return withRetryAfter(refuse(request, &message, 503, "cert-unavailable", problem, true), 30);
    if (!certificate)
        return refuse(request, &message, 403, "cert-not-pem", problem, true);
    if (!validAt(*certificate, Poco::Timestamp()))
        return refuse(request, &message, 403, "cert-not-valid-now", printable(message.signingCertUrl, 200), true);
    const SignatureCheck check = verifySnsSignature(message, *certificate);
    if (check != SignatureCheck::Valid)
        return refuse(request, &message, 403, signatureCheckName(check), "");
    return std::nullopt;
}

WebAnswer SnsWebhook::confirm(const SnsMessage& message, const WebRequest& request)
{
    std::string problem;
    const std::optional<Poco::URI> url = checkSnsUrl(message.subscribeUrl, _hosts, UrlUse::Subscription, problem);
    if (!url)
        return refuse(request, &message, 403, "bad-subscribe-url", problem);
    try {
        _fetcher.get(*url, kMaxConfirmationBytes);
    } catch (const FetchFailed& e) {
        return refuse(request, &message, 502, "confirm-failed", e.what(), true);
    }
    _log.notice("web: action=sns-subscribe topic=%s message_id=%s status=confirmed client=%s",
                printable(message.topicArn, kMaxTopic), printable(message.messageId, kMaxMessageId), request.client);
    return okAnswer();
}

WebAnswer SnsWebhook::notification(const SnsMessage& message, const WebRequest& request)
{
    const std::string topic = printable(message.topicArn, kMaxTopic);
    const std::string id = printable(message.messageId, kMaxMessageId);
    const std::optional<SesEvent> event = readSesEvent(message.message);
    if (!event || event->type == SesEvent::Type::Delivery) {
        // Authentic, but nothing the recorder keeps: acknowledged, so that SNS stops.
        _log.information("web: action=sns type=Notification topic=%s message_id=%s kind=%s recorded=0 duplicate=0 "
                         "client=%s",
                         topic, id, std::string(event ? "delivery" : "none"), request.client);
        return okAnswer();
    }

    const std::string raw = message.message.substr(0, kMaxStoredBytes);
    const std::string kind = sesEventName(event->type);
    unsigned recorded = 0, duplicate = 0, unattributed = 0, degraded = 0;
    const std::vector<RecipientResult>& results = event->parsed.recipients;
    try {
        for (std::size_t index = 0; index < results.size(); ++index) {
            ReturnEntry entry;
            const std::optional<EmailAddress> address = EmailAddress::parse(results[index].address);
            if (address) {
                // Only an address verpmail-send mailed (it has a tracker row) is a
                // member's: the recorder would otherwise make a row without a token.
                std::optional<std::string> encodedFrom = _ledger.encodedFromOf(address->normalized());
                if (encodedFrom) {
                    entry.email = address->normalized();
                    entry.encodedFrom = std::move(*encodedFrom);
                }
            }
            entry.envelopeRecipient = message.topicArn;
            entry.kind = event->parsed.kind;
            entry.result = results[index];
            entry.campaign = event->campaign;
            entry.rawMessage = raw;
            entry.dedupKey = sesDedupKey(*event, message.message, index);
            const RecordResult result = _ledger.record(entry);

            const char* status = "recorded";
            if (result.outcome == RecordOutcome::Duplicate) {
                ++duplicate;
                status = "duplicate";
            } else {
                ++recorded;
                if (!entry.email) {
                    ++unattributed;
                    status = "unattributed";
                }
                if (result.degradation != Degradation::None) {
                    ++degraded;
                    status = "degraded";
                }
            }
            _log.information("web: action=sns-return topic=%s message_id=%s member=<%s> kind=%s class=%s reason=%s "
                             "dsn=%s campaign=%s status=%s",
                             topic, id, printable(entry.email.value_or(""), 120), kind,
                             std::string(entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed"),
                             orDash(entry.result.reason, 40), orDash(entry.result.status, 16),
                             orDash(entry.campaign, 64), std::string(status));
        }
    } catch (const StoreUnavailable& e) {
        const std::string line = "web: action=sns type=Notification status=503 reason=database-unavailable topic=" +
                                 topic + " message_id=" + id + " recorded=" + std::to_string(recorded) + " detail=\"" +
                                 printable(e.what(), 300) + "\" client=" + request.client;
        if (e.transient())
            _log.warning(line);
        else
            _log.error(line);
        return withRetryAfter(jsonError(503, messageFor(503)), kRetryAfterUnavailable);
    } catch (const UnrecordableReturn& e) {
        _log.error("web: action=sns type=Notification status=422 reason=unrecordable topic=%s message_id=%s "
                   "recorded=%u detail=\"%s\" client=%s",
                   topic, id, recorded, printable(e.what(), 300), request.client);
        return jsonError(422, messageFor(422));
    }
    _log.information("web: action=sns type=Notification topic=%s message_id=%s kind=%s recorded=%u duplicate=%u "
                     "unattributed=%u degraded=%u client=%s",
                     topic, id, kind, recorded, duplicate, unattributed, degraded, request.client);
    return okAnswer(recorded, duplicate);
}

WebAnswer SnsWebhook::refuse(const WebRequest& request, const SnsMessage* message, int status, const char* reason,
                             const std::string& detail, bool warn)
{
    const std::string line = "web: action=sns status=" + std::to_string(status) + " reason=" + reason +
                             " type=" + (message ? message->typeName : std::string("-")) +
                             " topic=" + (message ? orDash(message->topicArn, kMaxTopic) : std::string("-")) +
                             " message_id=" + (message ? orDash(message->messageId, kMaxMessageId) : std::string("-")) +
                             " detail=\"" + printable(detail, 300) + "\" client=" + request.client;
    if (warn)
        _log.warning(line);
    else
        _log.information(line);
    return jsonError(status, messageFor(status));
}

} // namespace verpmail::web
