#include "SesEvent.h"

#include "verpmail/bounce/BounceClassifier.h"
#include "verpmail/bounce/JsonNotification.h"
#include "verpmail/store/ReturnRecorder.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

namespace verpmail::web {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// As the bouncer keeps X-Verpmail-Campaign (BounceParser's readOriginal).
constexpr std::size_t kMaxCampaign = 200;

std::string text(const Object::Ptr& object, const std::string& key)
{
    if (!object)
        return {};
    const Poco::Dynamic::Var value = object->get(key);
    return value.isString() ? value.extract<std::string>() : std::string();
}

Object::Ptr objectOf(const Object::Ptr& object, const std::string& key)
{
    return object && object->isObject(key) ? object->getObject(key) : Object::Ptr();
}

std::string bounded(const std::string& campaign)
{
    return Poco::trim(campaign).substr(0, kMaxCampaign);
}

/// X-Verpmail-Campaign in mail.headers[] ({"name":..., "value":...}), else the
/// campaign tags; "" when none.
std::string campaignOf(const Object::Ptr& mail)
{
    if (mail && mail->isArray("headers")) {
        const Array::Ptr headers = mail->getArray("headers");
        for (unsigned i = 0; i < headers->size(); ++i) {
            if (!headers->isObject(i))
                continue;
            const Object::Ptr field = headers->getObject(i);
            if (Poco::icompare(text(field, "name"), "X-Verpmail-Campaign") == 0)
                return bounded(text(field, "value"));
        }
    }
    const Object::Ptr tags = objectOf(mail, "tags");
    for (const char* name : {"campaign", "verpmail-campaign"}) {
        if (!tags || !tags->isArray(name))
            continue;
        // SES gives every tag as a list of values.
        const Array::Ptr values = tags->getArray(name);
        if (values->size() > 0 && values->get(0).isString())
            return bounded(values->get(0).extract<std::string>());
    }
    return {};
}

/// What BounceParser does to every result it returns (classifyAll): a reason the
/// format states stands, and gives the class; else the classifier decides both.
void classifyAll(ParsedReturn& r)
{
    for (RecipientResult& result : r.recipients) {
        const Classification c = result.reason.empty()
                                     ? classify(r.kind, result)
                                     : Classification{result.reason, classOfReason(result.reason, result.status)};
        result.reason = c.reason;
        result.bounceClass = c.bounceClass;
    }
}

} // namespace

const char* sesEventName(SesEvent::Type type)
{
    switch (type) {
    case SesEvent::Type::Bounce: return "bounce";
    case SesEvent::Type::Complaint: return "complaint";
    case SesEvent::Type::Delivery: return "delivery";
    }
    return "bounce";
}

std::optional<SesEvent> readSesEvent(std::string_view message)
{
    Object::Ptr root;
    try {
        root = Poco::JSON::Parser().parse(std::string(message)).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (!root)
        return std::nullopt;
    std::string type = text(root, "notificationType");
    if (type.empty())
        type = text(root, "eventType");

    SesEvent event;
    Object::Ptr detail;
    if (type == "Bounce") {
        event.type = SesEvent::Type::Bounce;
        detail = objectOf(root, "bounce");
    } else if (type == "Complaint") {
        event.type = SesEvent::Type::Complaint;
        detail = objectOf(root, "complaint");
    } else if (type == "Delivery") {
        event.type = SesEvent::Type::Delivery;
    } else {
        return std::nullopt;
    }
    ParseLimits limits;
    if (!bounce::readJsonNotification(message, limits, event.parsed))
        return std::nullopt;
    classifyAll(event.parsed);

    const Object::Ptr mail = objectOf(root, "mail");
    event.feedbackId = text(detail, "feedbackId");
    event.messageId = text(mail, "messageId");
    event.campaign = campaignOf(mail);
    return event;
}

Sha256Digest sesDedupKey(const SesEvent& event, std::string_view message, std::size_t index)
{
    // The envelope recipient's place holds what kind of id it is, so that ids of
    // different kinds never meet.
    if (event.type != SesEvent::Type::Delivery && !event.feedbackId.empty())
        return ReturnRecorder::dedupKey(event.feedbackId, "ses-feedback-id", index);
    if (event.type == SesEvent::Type::Delivery && !event.messageId.empty())
        return ReturnRecorder::dedupKey(event.messageId, "ses-delivery", index);
    return ReturnRecorder::dedupKey(message, "ses-message", index);
}

} // namespace verpmail::web
