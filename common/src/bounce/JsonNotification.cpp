// JsonNotification: see the header. A document that is not JSON is salvaged from its
// whole parts; one that is JSON but not a notification is "not a notification".
#include "verpmail/bounce/JsonNotification.h"

#include "verpmail/bounce/TextScan.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <array>
#include <optional>
#include <typeinfo>
#include <utility>

namespace verpmail::bounce {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Relays that enforce the 998-octet line limit split the one-line document with
// "!\n " (Sendmail's marker); joining those back gives the JSON again.
std::string unwrapLongLines(std::string_view text)
{
    static constexpr std::string_view kMarker = "!\n ";
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (std::size_t at = text.find(kMarker); at != std::string_view::npos; at = text.find(kMarker, from))
    {
        out.append(text.substr(from, at - from));
        from = at + kMarker.size();
    }
    out.append(text.substr(from));
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

// The simple string value of `"key"` as written (escapes not decoded), or "".
std::string_view stringAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || start >= json.size() || json[start] != '"')
        return {};
    const std::size_t end = json.find('"', start + 1);
    if (end == std::string_view::npos || end - start > 1000)
        return {};
    return json.substr(start + 1, end - start - 1);
}

// The document in json, or nothing when it is not JSON: Poco throws on malformed
// input, which here is a plain "no", not an error.
std::optional<Var> parseJson(std::string_view json)
{
    try
    {
        Poco::JSON::Parser parser;
        return std::optional<Var>(std::in_place, parser.parse(std::string(json)));
    }
    catch (const Poco::Exception&)
    {
        return std::nullopt;
    }
}

// The object or array a value holds; null when it holds something else.
Object::Ptr asObject(const Var& value)
{
    return value.type() == typeid(Object::Ptr) ? value.extract<Object::Ptr>() : Object::Ptr();
}

Array::Ptr asArray(const Var& value)
{
    return value.type() == typeid(Array::Ptr) ? value.extract<Array::Ptr>() : Array::Ptr();
}

// A member of an object; empty when the object is null or lacks the key.
Var member(const Object::Ptr& object, const std::string& key)
{
    return object ? object->get(key) : Var();
}

// A value read as text: a string's own; a number or literal as Poco prints it (no
// ESP sends them where text is read); "" for null, nothing, or an array or object,
// which hold no one text (an address of a whole object, say).
std::string valueText(const Var& value)
{
    if (value.isString())
        return value.extract<std::string>();
    if (value.isNumeric() || value.isBoolean())
        return value.toString();
    return {};
}

std::string text(const Object::Ptr& object, const std::string& key)
{
    return valueText(member(object, key));
}

// What the results are read from, whether the document was whole or salvaged. The
// parts are null when the event lacks them (or they are not objects); their
// lookups then find nothing.
struct Event
{
    std::string type; // notificationType, or eventType when that is empty
    Object::Ptr bounce;
    Object::Ptr complaint;
    Object::Ptr delivery;
    std::string source; // mail.source: the sending envelope
};

Event readEvent(const Object::Ptr& object)
{
    Event event;
    event.type = text(object, "notificationType");
    if (event.type.empty())
        event.type = text(object, "eventType");
    event.bounce = asObject(member(object, "bounce"));
    event.complaint = asObject(member(object, "complaint"));
    event.delivery = asObject(member(object, "delivery"));
    event.source = text(asObject(member(object, "mail")), "source");
    return event;
}

// A notification cut short (SNS truncates long ones; a relay may drop the tail):
// rebuild the event from the parts that are still whole. False when such a part is
// not JSON after all.
bool salvage(std::string_view json, Event& event)
{
    event.type = std::string(stringAfterKey(json, "notificationType"));
    if (event.type.empty())
        event.type = std::string(stringAfterKey(json, "eventType"));
    Object::Ptr mail;
    const std::array<std::pair<const char*, Object::Ptr*>, 4> wanted{
        {{"bounce", &event.bounce}, {"complaint", &event.complaint}, {"delivery", &event.delivery}, {"mail", &mail}}};
    for (const auto& [key, part] : wanted)
    {
        const std::string_view object = objectAfterKey(json, key);
        if (object.empty())
            continue;
        const std::optional<Var> parsed = parseJson(object);
        if (!parsed)
            return false;
        *part = asObject(*parsed);
    }
    event.source = mail ? text(mail, "source") : std::string(stringAfterKey(json, "source"));
    return true;
}

// The event of a whole document: the object itself, or an SNS envelope's message
// (the event as a JSON string, or rarely as an object). False when the envelope's
// message is no object.
bool readWhole(const Object::Ptr& root, Event& event)
{
    Object::Ptr object = root;
    if (text(root, "Type") == "Notification" && root->has("Message"))
    {
        const Var message = root->get("Message");
        if (message.isString())
        {
            const std::optional<Var> inner = parseJson(message.extract<std::string>());
            object = inner ? asObject(*inner) : Object::Ptr();
        }
        else
        {
            object = asObject(message);
        }
        if (!object)
            return false;
    }
    event = readEvent(object);
    return true;
}

// What an event says about its recipients.
struct Results
{
    ReturnKind kind = ReturnKind::Bounce;
    std::string feedbackType;
    std::vector<RecipientResult> recipients;
};

// The results of an event: one per recipient of a Bounce, Complaint or Delivery
// event, up to the limit. Nothing when the event is none of those, or unreadable.
std::optional<Results> readResults(const Event& event, const ParseLimits& limits)
{
    Results out;
    std::vector<RecipientResult>& results = out.recipients;
    if (event.type == "Bounce")
    {
        const bool transient = text(event.bounce, "bounceType") == "Transient";
        const Array::Ptr list = asArray(member(event.bounce, "bouncedRecipients"));
        for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
        {
            const Object::Ptr item = asObject(list->get(static_cast<unsigned>(i)));
            RecipientResult result;
            result.address = normaliseAddress(text(item, "emailAddress"));
            result.action = toLower(text(item, "action"));
            if (result.action.empty())
                result.action = transient ? "delayed" : "failed";
            result.status = findStatusCode(text(item, "status"));
            result.diagnostic = collapseSpace(text(item, "diagnosticCode"), 1000);
            if (result.diagnostic.empty())
                result.diagnostic = text(event.bounce, "bounceSubType");
            result.replyCode = findReplyCode(result.diagnostic);
            if (result.status.empty())
                result.status = findStatusCode(result.diagnostic);
            results.push_back(std::move(result));
        }
        return out;
    }
    if (event.type == "Complaint")
    {
        out.kind = ReturnKind::Complaint;
        out.feedbackType = toLower(text(event.complaint, "complaintFeedbackType"));
        const Array::Ptr list = asArray(member(event.complaint, "complainedRecipients"));
        for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
        {
            RecipientResult result;
            result.address = normaliseAddress(text(asObject(list->get(static_cast<unsigned>(i))), "emailAddress"));
            results.push_back(std::move(result));
        }
        if (results.empty())
            results.emplace_back();
        return out;
    }
    if (event.type == "Delivery")
    {
        const std::string diagnostic = collapseSpace(text(event.delivery, "smtpResponse"), 1000);
        const Array::Ptr list = asArray(member(event.delivery, "recipients"));
        for (std::size_t i = 0; list && i < list->size() && results.size() < limits.maxRecipients; ++i)
        {
            const Var item = list->get(static_cast<unsigned>(i));
            // A null recipient makes the notification unreadable (as it always has).
            if (item.isEmpty())
                return std::nullopt;
            RecipientResult result;
            result.address = normaliseAddress(valueText(item));
            result.action = "delivered";
            result.diagnostic = diagnostic;
            results.push_back(std::move(result));
        }
        return out;
    }
    return std::nullopt;
}

} // namespace

bool readJsonNotification(std::string_view input, const ParseLimits& limits, ParsedReturn& r)
{
    if (input.find("Type\"") == std::string_view::npos)
        return false;
    // Most notifications arrive whole: copy only one a relay has split.
    std::string unwrapped;
    std::string_view body = input;
    if (input.find("!\n ") != std::string_view::npos)
    {
        unwrapped = unwrapLongLines(input);
        body = unwrapped;
    }
    // The JSON document is the first '{' ... last '}' of the body (SNS appends a footer).
    const std::size_t open = body.find('{');
    const std::size_t close = body.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        body.substr(open, close - open).find("Type\"") == std::string_view::npos)
        return false;
    const std::string_view json = body.substr(open, close - open + 1);

    Event event;
    const std::optional<Var> document = parseJson(json);
    const Object::Ptr root = document ? asObject(*document) : Object::Ptr();
    if (root ? !readWhole(root, event) : !salvage(json, event))
        return false;

    std::optional<Results> results = readResults(event, limits);
    if (!results || results->recipients.empty())
        return false;
    const std::string source = normaliseAddress(event.source);
    if (!source.empty())
        r.verpCandidates.insert(r.verpCandidates.begin(), source);
    r.kind = results->kind;
    if (results->kind == ReturnKind::Complaint)
        r.feedbackType = std::move(results->feedbackType);
    r.recipients = std::move(results->recipients);
    return true;
}

} // namespace verpmail::bounce
