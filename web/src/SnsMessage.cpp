#include "SnsMessage.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <utility>

namespace verpmail::web {
namespace {

using Poco::JSON::Object;

/// The string member `name`; false when it is missing, null or not a string.
bool stringMember(const Object& object, const std::string& name, std::string& out)
{
    const Poco::Dynamic::Var value = object.get(name);
    if (value.isEmpty() || !value.isString())
        return false;
    out = value.extract<std::string>();
    return true;
}

std::optional<SnsMessage::Type> typeOf(const std::string& name)
{
    if (name == "Notification")
        return SnsMessage::Type::Notification;
    if (name == "SubscriptionConfirmation")
        return SnsMessage::Type::SubscriptionConfirmation;
    if (name == "UnsubscribeConfirmation")
        return SnsMessage::Type::UnsubscribeConfirmation;
    return std::nullopt;
}

void appendField(std::string& text, const char* name, const std::string& value)
{
    text += name;
    text += '\n';
    text += value;
    text += '\n';
}

} // namespace

const char* typeName(SnsMessage::Type type)
{
    switch (type) {
    case SnsMessage::Type::Notification: return "Notification";
    case SnsMessage::Type::SubscriptionConfirmation: return "SubscriptionConfirmation";
    case SnsMessage::Type::UnsubscribeConfirmation: return "UnsubscribeConfirmation";
    }
    return "Notification";
}

std::optional<SnsMessage> parseSnsMessage(std::string_view body, SnsProblem& kind, std::string& problem)
{
    Object::Ptr root;
    try {
        // Poco's parser bounds the nesting (128 levels): no stack exhaustion from a body.
        root = Poco::JSON::Parser().parse(std::string(body)).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
        // A JSON document that is no object (Poco's BadCastException derives from
        // Poco::Exception; anything else is treated alike).
    }
    if (!root) {
        kind = SnsProblem::MalformedJson;
        problem = "the body is not a JSON object";
        return std::nullopt;
    }

    SnsMessage m;
    kind = SnsProblem::Invalid;
    if (!stringMember(*root, "Type", m.typeName)) {
        problem = "no Type";
        return std::nullopt;
    }
    const std::optional<SnsMessage::Type> type = typeOf(m.typeName);
    if (!type) {
        problem = "unknown Type";
        return std::nullopt;
    }
    m.type = *type;
    const bool confirmation = m.type != SnsMessage::Type::Notification;
    const std::pair<const char*, std::string*> required[] = {
        {"MessageId", &m.messageId},
        {"TopicArn", &m.topicArn},
        {"Message", &m.message},
        {"Timestamp", &m.timestamp},
        {"SignatureVersion", &m.signatureVersion},
        {"Signature", &m.signature},
        {"SigningCertURL", &m.signingCertUrl},
        {"Token", confirmation ? &m.token : nullptr},
        {"SubscribeURL", confirmation ? &m.subscribeUrl : nullptr},
    };
    for (const auto& [name, field] : required) {
        if (field && !stringMember(*root, name, *field)) {
            problem = std::string("no ") + name + " (or not a string)";
            return std::nullopt;
        }
    }
    // Subject is signed only when present. A null one is no subject; a subject of
    // another type is no SNS message.
    if (!confirmation && root->has("Subject") && !root->isNull("Subject")) {
        std::string subject;
        if (!stringMember(*root, "Subject", subject)) {
            problem = "Subject is not a string";
            return std::nullopt;
        }
        m.subject = std::move(subject);
    }
    kind = SnsProblem::None;
    problem.clear();
    return m;
}

std::string canonicalText(const SnsMessage& m)
{
    std::string text;
    text.reserve(m.message.size() + 512);
    appendField(text, "Message", m.message);
    appendField(text, "MessageId", m.messageId);
    if (m.type == SnsMessage::Type::Notification) {
        if (m.subject)
            appendField(text, "Subject", *m.subject);
    } else {
        appendField(text, "SubscribeURL", m.subscribeUrl);
    }
    appendField(text, "Timestamp", m.timestamp);
    if (m.type != SnsMessage::Type::Notification)
        appendField(text, "Token", m.token);
    appendField(text, "TopicArn", m.topicArn);
    appendField(text, "Type", m.typeName);
    return text;
}

} // namespace verpmail::web
