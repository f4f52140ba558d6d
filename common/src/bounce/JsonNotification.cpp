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

// Relays that enforce the 998-octet line limit split the one-line document with
// "!\n " (Sendmail's marker); joining those back gives the JSON again.
std::string unwrapLongLines(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '!' && i + 2 < text.size() && text[i + 1] == '\n' && text[i + 2] == ' ')
        {
            i += 2;
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

// Offset just after `"key"` and the colon that follows it, or npos.
std::size_t afterKey(std::string_view json, std::string_view key)
{
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (std::size_t at = json.find(quoted); at != std::string_view::npos; at = json.find(quoted, at + 1))
    {
        std::size_t i = at + quoted.size();
        while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
            ++i;
        if (i < json.size() && json[i] == ':')
        {
            ++i;
            while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
                ++i;
            return i;
        }
    }
    return std::string_view::npos;
}

// The complete {...} value of `"key"`, matched with string escapes in mind, or "".
std::string_view objectAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || start >= json.size() || json[start] != '{')
        return {};
    int depth = 0;
    bool inString = false;
    for (std::size_t i = start; i < json.size(); ++i)
    {
        const char c = json[i];
        if (inString)
        {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        }
        else if (c == '"')
            inString = true;
        else if (c == '{')
            ++depth;
        else if (c == '}' && --depth == 0)
            return json.substr(start, i - start + 1);
    }
    return {};
}

// The simple string value of `"key"` (no escapes), or "".
std::string stringAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || start >= json.size() || json[start] != '"')
        return {};
    const std::size_t end = json.find('"', start + 1);
    if (end == std::string_view::npos || end - start > 1000)
        return {};
    return std::string(json.substr(start + 1, end - start - 1));
}

// A notification cut short (SNS truncates long ones; a relay may drop the tail):
// rebuild the event from the parts that are still whole.
Object::Ptr salvage(std::string_view json)
{
    Object::Ptr event = new Object;
    for (const char* key : {"notificationType", "eventType"})
    {
        const std::string value = stringAfterKey(json, key);
        if (!value.empty())
            event->set(key, value);
    }
    for (const char* key : {"bounce", "complaint", "delivery", "mail"})
    {
        const std::string_view object = objectAfterKey(json, key);
        if (!object.empty())
            event->set(key, parseObject(object));
    }
    if (!event->has("mail"))
    {
        Object::Ptr mail = new Object;
        mail->set("source", stringAfterKey(json, "source"));
        event->set("mail", mail);
    }
    return event;
}

} // namespace

bool readJsonNotification(std::string_view input, const ParseLimits& limits, ParsedReturn& r)
{
    if (input.find("Type\"") == std::string_view::npos)
        return false;
    const std::string unwrapped = unwrapLongLines(input);
    const std::string_view body = unwrapped;
    // The JSON document is the first '{' ... last '}' of the body (SNS appends a footer).
    const std::size_t open = body.find('{');
    const std::size_t close = body.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        body.substr(open, close - open).find("Type\"") == std::string_view::npos)
        return false;
    try
    {
        const std::string_view json = body.substr(open, close - open + 1);
        Object::Ptr event;
        try
        {
            event = parseObject(json);
        }
        catch (...)
        {
            event = salvage(json);
        }
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
