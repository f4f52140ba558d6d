// JsonNotification: see the header. Poco::JSON throws on malformed input; every
// call is inside one try block and a failure means "not a notification".
#include "verpmail/bounce/JsonNotification.h"

#include "verpmail/bounce/TextScan.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace verpmail::bounce {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text(const Object::Ptr& object, const std::string& key)
{
    if (!object || !object->has(key) || object->isNull(key))
        return {};
    try
    {
        return object->getValue<std::string>(key);
    }
    catch (...)
    {
        return {};
    }
}

Object::Ptr parseObject(std::string_view json)
{
    Poco::JSON::Parser parser;
    return parser.parse(std::string(json)).extract<Object::Ptr>();
}

} // namespace

bool readJsonNotification(std::string_view body, const ParseLimits& limits, ParsedReturn& r)
{
    // The JSON document is the first '{' ... last '}' of the body (SNS appends a footer).
    const std::size_t open = body.find('{');
    const std::size_t close = body.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        body.substr(open, close - open).find("Type\"") == std::string_view::npos)
        return false;
    try
    {
        Object::Ptr event = parseObject(body.substr(open, close - open + 1));
        if (text(event, "Type") == "Notification" && event->has("Message"))
            event = parseObject(text(event, "Message"));
        std::string type = text(event, "notificationType");
        if (type.empty())
            type = text(event, "eventType");
        std::vector<RecipientResult> results;
        ReturnKind kind = ReturnKind::Bounce;
        if (type == "Bounce")
        {
            const Object::Ptr bounce = event->getObject("bounce");
            const Array::Ptr list = bounce ? bounce->getArray("bouncedRecipients") : nullptr;
            const bool transient = text(bounce, "bounceType") == "Transient";
            for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
            {
                const Object::Ptr item = list->getObject(static_cast<unsigned>(i));
                RecipientResult result;
                result.address = normaliseAddress(text(item, "emailAddress"));
                result.action = toLower(text(item, "action"));
                if (result.action.empty())
                    result.action = transient ? "delayed" : "failed";
                result.status = findStatusCode(text(item, "status"));
                result.diagnostic = collapseSpace(text(item, "diagnosticCode"), 1000);
                if (result.diagnostic.empty())
                    result.diagnostic = text(bounce, "bounceSubType");
                result.replyCode = findReplyCode(result.diagnostic);
                if (result.status.empty())
                    result.status = findStatusCode(result.diagnostic);
                results.push_back(std::move(result));
            }
        }
        else if (type == "Complaint")
        {
            kind = ReturnKind::Complaint;
            const Object::Ptr complaint = event->getObject("complaint");
            const Array::Ptr list = complaint ? complaint->getArray("complainedRecipients") : nullptr;
            r.feedbackType = toLower(text(complaint, "complaintFeedbackType"));
            for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
            {
                RecipientResult result;
                result.address = normaliseAddress(text(list->getObject(static_cast<unsigned>(i)), "emailAddress"));
                results.push_back(std::move(result));
            }
            if (results.empty())
                results.emplace_back();
        }
        else if (type == "Delivery")
        {
            const Object::Ptr delivery = event->getObject("delivery");
            const Array::Ptr list = delivery ? delivery->getArray("recipients") : nullptr;
            for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
            {
                RecipientResult result;
                result.address = normaliseAddress(list->getElement<std::string>(static_cast<unsigned>(i)));
                result.action = "delivered";
                result.diagnostic = collapseSpace(text(delivery, "smtpResponse"), 1000);
                results.push_back(std::move(result));
            }
        }
        else
        {
            return false;
        }
        if (results.empty())
            return false;
        // The sending envelope (our VERP address) is "mail.source".
        const Object::Ptr mail = event->getObject("mail");
        const std::string source = normaliseAddress(text(mail, "source"));
        if (!source.empty())
            r.verpCandidates.insert(r.verpCandidates.begin(), source);
        r.kind = kind;
        r.recipients = std::move(results);
        return true;
    }
    catch (...)
    {
        return false;
    }
}

} // namespace verpmail::bounce
