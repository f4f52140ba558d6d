// SnsMessage: an Amazon SNS HTTP(S) delivery, read from its JSON body, and the
// canonical text its signature covers.
//
//   std::string problem;
//   const std::optional<SnsMessage> m = parseSnsMessage(body, problem);   // never throws
//   if (!m) answer 400 (malformed JSON) or 403 (a field missing), with `problem`
//   const std::string signed = canonicalText(*m);
//
// The body must be a JSON object whose members are strings (Poco::JSON; escapes
// decoded, so the canonical text holds the values as SNS signed them). Type decides
// which members are required:
//   Notification:             Message, MessageId, Timestamp, TopicArn, Type, Signature,
//                             SignatureVersion, SigningCertURL (Subject when present)
//   SubscriptionConfirmation, UnsubscribeConfirmation:
//                             the same but Subject, plus SubscribeURL and Token
// Anything else is refused, naming the member. "Verifying the signatures of Amazon
// SNS messages" (AWS) gives the canonical text: for each signed member in the order
// below, "Name\nvalue\n".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace verpmail::web {

struct SnsMessage
{
    enum class Type
    {
        Notification,
        SubscriptionConfirmation,
        UnsubscribeConfirmation,
    };
    Type type = Type::Notification;
    std::string typeName;  ///< "Notification", ... as sent
    std::string messageId;
    std::string topicArn;
    std::optional<std::string> subject;  ///< Notification only, when the member is there
    std::string message;
    std::string timestamp;
    std::string token;         ///< confirmations
    std::string subscribeUrl;  ///< confirmations
    std::string signatureVersion;
    std::string signature;  ///< base64, as sent
    std::string signingCertUrl;
};

/// Why a body is not an SNS message: the JSON itself (400), or what it holds (403).
enum class SnsProblem
{
    None,
    MalformedJson,  ///< not a JSON object
    Invalid,        ///< an unknown Type, a member missing or not a string
};

/// The message in `body`; nullopt with `kind` and `problem` (printable, short) set
/// when it is none. Never throws.
std::optional<SnsMessage> parseSnsMessage(std::string_view body, SnsProblem& kind, std::string& problem);

/// The text SNS signs for this message (see above).
std::string canonicalText(const SnsMessage& message);

/// The name of a Type, as SNS writes it.
const char* typeName(SnsMessage::Type type);

} // namespace verpmail::web
